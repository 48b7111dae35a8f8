package dev.schedulerx.worker.logs;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.Map;

/**
 * {@code %sxTask} in conf/logback.xml: " [job J instance I task T]" for lines written while a task runs (the MDC
 * TaskMdc sets), nothing for the daemon's own lines. Replaces a {@code %replace} whose regular expression ran on
 * every line the daemon wrote.
 */
public final class TaskIdsConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    Map<String, String> mdc = event.getMDCPropertyMap();
    String jobId = mdc.get("jobId");
    if (jobId == null) {
      return "";
    }
    return " [job " + jobId + " instance " + mdc.get("instanceId") + " task " + mdc.get("taskId") + "]";
  }
}
