package dev.schedulerx.worker.logs;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import ch.qos.logback.core.CoreConstants;

/**
 * The SLF4J binding the launchers name ({@code -Dslf4j.provider}, bin/launcher.sh): logback, configured by
 * {@link DefaultLogging} without logback's search for a configuration. SLF4J finds a binding with a ServiceLoader,
 * logback then its configurators with another, and DefaultLogging looks for a logback.xml on the class path: each
 * lookup opens every JAR of the class path (some 80 with the server's), ~45 ms of CPU at every start. The launchers'
 * class path holds no logback.xml; a configuration file they pass ({@code -Dlogback.configurationFile}, for
 * conf/logback.xml) takes logback's usual way.
 */
public final class LauncherLogging extends LogbackServiceProvider {
  @Override
  public void initialize() {
    if (System.getProperty("logback.configurationFile") != null) {
      super.initialize();
      return;
    }
    // What logback's initialize() does, with DefaultLogging in place of its auto-configuration
    LoggerContext context = (LoggerContext) getLoggerFactory();
    context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
    context.setMDCAdapter(getMDCAdapter());
    DefaultLogging.apply(context);
    context.start();
  }
}
