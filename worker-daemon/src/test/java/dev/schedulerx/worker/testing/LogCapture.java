package dev.schedulerx.worker.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects the log events of one logger while open; the daemon's tests assert on what operators read. */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(String name) {
    logger = (Logger) LoggerFactory.getLogger(name);
    appender.start();
    logger.addAppender(appender);
  }

  public static LogCapture of(Class<?> type) {
    return new LogCapture(type.getName());
  }

  public static LogCapture of(String loggerName) {
    return new LogCapture(loggerName);
  }

  /** Events at {@code level}, oldest first; safe to call while events arrive. */
  public List<ILoggingEvent> events(Level level) {
    synchronized (appender.list) {
      return appender.list.stream().filter(e -> e.getLevel() == level).toList();
    }
  }

  /** Formatted messages at {@code level}, oldest first. */
  public List<String> messages(Level level) {
    return events(level).stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
