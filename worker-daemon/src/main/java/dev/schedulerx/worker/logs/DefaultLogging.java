package dev.schedulerx.worker.logs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import ch.qos.logback.core.util.FileSize;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The logging of the daemon and the server when no logback configuration is given: what conf/logback.example.xml
 * says, built in code. Reading that XML cost a start about 100 ms of CPU (logback's XML parser and model), as much
 * again as the rest of logback's start. Steps aside for a configuration file ({@code -Dlogback.configurationFile},
 * which the launchers pass when conf/logback.xml exists) or a logback.xml / logback-test.xml on the class path.
 * Reads the same system properties as the example (schedulerx.log.level, .dir, .name, .max-file-size,
 * .max-history, .total-size-cap, .appender).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class DefaultLogging extends ContextAwareBase implements Configurator {
  /**
   * The environment's say in {@code schedulerx.log.appender} (the property wins): the systemd units set it to CONSOLE,
   * since the journal keeps what the daemon prints, and an operator's {@code JAVA_OPTS} does not undo it.
   */
  static final String APPENDER_ENV = "SCHEDULERX_LOG_APPENDER";
  static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{1}%sxTask - %msg%n";
  /** Levels below the root's, as in the example: libraries whose INFO lines are noise for an operator. */
  static final Map<String, Level> QUIETER =
      Map.of(
          "org.eclipse.jetty", Level.WARN,
          "io.javalin", Level.WARN,
          "com.zaxxer.hikari", Level.WARN,
          "org.flywaydb", Level.WARN,
          // logs every expected duplicate key (two nodes creating the same run): the store handles it
          "org.mariadb.jdbc.message.server.ErrorPacket", Level.ERROR,
          "org.apache.pekko", Level.WARN,
          // warns that Pekko Cluster is not used: SchedulerX peers never form a cluster
          "org.apache.pekko.remote.RemoteActorRefProvider", Level.ERROR);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || System.getProperty("logback.serializedModelFile") != null
        || onClassPath("logback-test.xml")
        || onClassPath("logback.xml")) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  static void apply(LoggerContext context) {
    apply(context, System::getenv);
  }

  /** {@code env}: the environment, where {@value #APPENDER_ENV} may name the appender as the property does. */
  static void apply(LoggerContext context, UnaryOperator<String> env) {
    context.getStatusManager().add(new NopStatusListener());
    Map<String, Supplier<DynamicConverter>> rules = new HashMap<>();
    rules.put("sxTask", TaskIdsConverter::new);
    context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);

    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(property("schedulerx.log.level", "INFO"), Level.INFO));
    root.addAppender(console(context));
    // As the example's second appender-ref: FILE adds the rolling file; CONSOLE (or a name the example does not
    // define) adds nothing.
    String fromEnv = env.apply(APPENDER_ENV);
    if ("FILE".equals(property("schedulerx.log.appender", fromEnv == null ? "FILE" : fromEnv))) {
      root.addAppender(file(context));
    }
    QUIETER.forEach((name, level) -> context.getLogger(name).setLevel(level));
  }

  private static boolean onClassPath(String resource) {
    ClassLoader loader = DefaultLogging.class.getClassLoader();
    return loader != null && loader.getResource(resource) != null;
  }

  private static String property(String key, String fallback) {
    String value = System.getProperty(key);
    return value == null ? fallback : value;
  }

  /** A size property; one that does not parse keeps the default, as logback does with the example's XML. */
  private static FileSize size(String key, String fallback) {
    try {
      return FileSize.valueOf(property(key, fallback));
    } catch (IllegalArgumentException e) {
      return FileSize.valueOf(fallback);
    }
  }

  private static int count(String key, int fallback) {
    try {
      return Integer.parseInt(property(key, String.valueOf(fallback)).trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static Appender<ILoggingEvent> console(LoggerContext context) {
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setName("CONSOLE");
    console.setContext(context);
    console.setEncoder(encoder(context));
    console.start();
    return console;
  }

  private static Appender<ILoggingEvent> file(LoggerContext context) {
    String dir = property("schedulerx.log.dir", property("schedulerx.home", ".") + "/logs");
    String name = property("schedulerx.log.name", "schedulerx-worker");
    RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
    file.setName("FILE");
    file.setContext(context);
    file.setFile(dir + "/" + name + ".log");
    SizeAndTimeBasedRollingPolicy<ILoggingEvent> rolling = new SizeAndTimeBasedRollingPolicy<>();
    rolling.setContext(context);
    rolling.setParent(file);
    rolling.setFileNamePattern(dir + "/" + name + ".%d{yyyy-MM-dd}.%i.log.gz");
    rolling.setMaxFileSize(size("schedulerx.log.max-file-size", "100MB"));
    rolling.setMaxHistory(count("schedulerx.log.max-history", 14));
    rolling.setTotalSizeCap(size("schedulerx.log.total-size-cap", "2GB"));
    rolling.start();
    file.setRollingPolicy(rolling);
    file.setEncoder(encoder(context));
    file.start();
    return file;
  }

  private static PatternLayoutEncoder encoder(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    return encoder;
  }
}
