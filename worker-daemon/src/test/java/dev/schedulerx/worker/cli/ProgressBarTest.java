package dev.schedulerx.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private static final ProgressBar.Snapshot START = new ProgressBar.Snapshot(1000, 0, 0, 10_000);

  @Test
  void halfwayAfterTwoSecondsShowsRateAndEta() {
    ProgressBar.Snapshot now = new ProgressBar.Snapshot(1000, 499, 1, 12_000);

    assertThat(ProgressBar.render(START, now))
        .isEqualTo("[###############---------------]  500/1000  50%  250/s  ETA 0:02  1 failed");
  }

  @Test
  void beforeAnyProgressThereIsNoRateYet() {
    assertThat(ProgressBar.render(START, START)).isEqualTo("[------------------------------]  0/1000  0%  -/s  ETA -");
  }

  @Test
  void slowRatesKeepADecimalAndLongEtasShowHours() {
    ProgressBar.Snapshot now = new ProgressBar.Snapshot(100_000, 3, 0, 12_000);

    assertThat(ProgressBar.render(START, now)).isEqualTo("[------------------------------]  3/100000  0%  1.5/s  ETA 18:31:05");
  }

  @Test
  void doneFillsTheBar() {
    ProgressBar.Snapshot now = new ProgressBar.Snapshot(1000, 1000, 0, 20_000);

    assertThat(ProgressBar.render(START, now)).isEqualTo("[##############################]  1000/1000  100%  100/s  ETA 0:00");
  }

  @Test
  void countsAreSummedOverWorkersFromTheProgressJson() {
    String json = """
        {"taskProgress":[],"workerProgress":[{"workerAddr":"a@h:1","total":6,"running":2,"success":4,"failed":0},
                                             {"workerAddr":"b@h:2","total":5,"running":0,"success":4,"failed":1}]}""";

    assertThat(ProgressBar.snapshot(json, 7)).isEqualTo(new ProgressBar.Snapshot(11, 8, 1, 7));
    assertThat(ProgressBar.snapshot("", 7)).isNull();
    assertThat(ProgressBar.snapshot("{\"workerProgress\":[]}", 7)).isNull();
    assertThat(ProgressBar.snapshot("not json", 7)).isNull();
  }
}
