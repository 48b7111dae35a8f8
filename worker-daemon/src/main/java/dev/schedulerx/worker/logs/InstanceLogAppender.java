package dev.schedulerx.worker.logs;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.util.Map;

/**
 * Picks the log events a processor of this daemon wrote while running a task (they carry the {@code
 * instanceId} MDC set by TaskMdc and this worker's {@code workerAddr}, so several daemons in one JVM each take
 * only their own) and puts them into the shipping buffer. Never blocks the logging thread.
 */
final class InstanceLogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
  /** A processor's stack trace is kept up to this many characters; the server cuts messages anyway. */
  private static final int MAX_STACK_TRACE = 3000;

  private final String workerAddr;
  private final LogBuffer buffer;

  InstanceLogAppender(String workerAddr, LogBuffer buffer) {
    this.workerAddr = workerAddr;
    this.buffer = buffer;
    setName("instance-logs-" + workerAddr);
  }

  @Override
  protected void append(ILoggingEvent event) {
    Map<String, String> mdc = event.getMDCPropertyMap();
    String instanceId = mdc.get("instanceId");
    if (instanceId == null || !workerAddr.equals(mdc.get("workerAddr"))) {
      return;
    }
    try {
      buffer.add(
          new LogLine(
              Long.parseLong(instanceId), parseOr(mdc.get("taskId"), 0), event.getInstant(), event.getLevel().toString(),
              event.getLoggerName(), message(event)));
    } catch (NumberFormatException e) {
      // an id MDC set by someone else (a processor using the same key): not ours to ship
    }
  }

  private static String message(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown == null) {
      return message;
    }
    String trace = ThrowableProxyUtil.asString(thrown);
    return message + "\n" + (trace.length() > MAX_STACK_TRACE ? trace.substring(0, MAX_STACK_TRACE) + "\n\t..." : trace);
  }

  private static long parseOr(String text, long fallback) {
    return text == null ? fallback : Long.parseLong(text);
  }
}
