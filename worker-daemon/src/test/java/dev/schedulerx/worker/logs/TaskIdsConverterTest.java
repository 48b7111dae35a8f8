package dev.schedulerx.worker.logs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskIdsConverterTest {
  private final TaskIdsConverter converter = new TaskIdsConverter();

  @Test
  void aTaskLineNamesItsJobInstanceAndTask() {
    LoggingEvent event = new LoggingEvent();
    event.setMDCPropertyMap(Map.of("jobId", "7", "instanceId", "42", "taskId", "0", "workerAddr", "w"));

    assertThat(converter.convert(event)).isEqualTo(" [job 7 instance 42 task 0]");
  }

  @Test
  void theDaemonsOwnLinesGetNothing() {
    LoggingEvent event = new LoggingEvent();
    event.setMDCPropertyMap(Map.of());

    assertThat(converter.convert(event)).isEmpty();
  }
}
