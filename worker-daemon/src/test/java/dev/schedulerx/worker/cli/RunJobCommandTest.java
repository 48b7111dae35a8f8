package dev.schedulerx.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunJobCommandTest {
  @Test
  void progressIsSummedOverWorkers() {
    String json = """
        {"taskProgress":[{"name":"OrderInfo","total":10,"pulled":0,"running":0,"success":7,"failed":1}],
         "workerProgress":[{"workerAddr":"a@h:1","total":6,"pulled":2,"running":2,"success":4,"failed":0},
                           {"workerAddr":"b@h:2","total":5,"pulled":0,"running":0,"success":4,"failed":1}]}""";

    assertThat(RunJobCommand.progressSummary(json)).isEqualTo(": tasks 11 total, 2 running, 8 succeeded, 1 failed, on 2 worker(s)");
  }

  @Test
  void noProgressShowsNothing() {
    assertThat(RunJobCommand.progressSummary("")).isEmpty();
    assertThat(RunJobCommand.progressSummary("not json")).isEmpty();
    assertThat(RunJobCommand.progressSummary("{\"taskProgress\":[],\"workerProgress\":[]}")).isEmpty();
  }

  @Test
  void timeoutsReadLikeTheConfig() {
    assertThat(RunJobCommand.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(RunJobCommand.parseDuration("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(RunJobCommand.parseDuration("PT2H")).isEqualTo(Duration.ofHours(2));
  }
}
