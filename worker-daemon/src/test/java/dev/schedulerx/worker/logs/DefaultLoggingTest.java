package dev.schedulerx.worker.logs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in logging is conf/logback.example.xml: same loggers, appenders, files, rolling and line format. */
class DefaultLoggingTest {
  private static final Path EXAMPLE = Path.of("..", "conf", "logback.example.xml");
  private static final List<String> PROPERTIES =
      List.of("schedulerx.log.level", "schedulerx.log.dir", "schedulerx.log.name", "schedulerx.log.max-file-size",
          "schedulerx.log.max-history", "schedulerx.log.total-size-cap", "schedulerx.log.appender", "schedulerx.home",
          "logback.configurationFile");
  private final Map<String, String> saved = new HashMap<>();
  private final List<LoggerContext> contexts = new ArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void restore() {
    contexts.forEach(LoggerContext::stop);
    PROPERTIES.forEach(key -> {
      String value = saved.get(key);
      if (value == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, value);
      }
    });
  }

  @Test
  void theDefaultsWriteTheConsoleAndARollingFileUnderTheHome() throws Exception {
    set("schedulerx.home", dir.toString());

    Map<String, String> builtIn = describe(builtIn());

    assertThat(builtIn).isEqualTo(describe(fromExample()));
    assertThat(builtIn)
        .containsEntry("logger ROOT", "INFO")
        .containsEntry("logger org.apache.pekko", "WARN")
        .containsEntry("appender FILE file", dir + "/logs/schedulerx-worker.log")
        .containsEntry("appender FILE rolling", dir + "/logs/schedulerx-worker.%d{yyyy-MM-dd}.%i.log.gz 14 2 GB 100 MB");
  }

  @Test
  void thePropertiesChangeBothAlike() throws Exception {
    set("schedulerx.log.level", "DEBUG");
    set("schedulerx.log.dir", dir.resolve("elsewhere").toString());
    set("schedulerx.log.name", "schedulerx-server");
    set("schedulerx.log.max-file-size", "10MB");
    set("schedulerx.log.max-history", "3");
    set("schedulerx.log.total-size-cap", "1GB");

    Map<String, String> builtIn = describe(builtIn());

    assertThat(builtIn).isEqualTo(describe(fromExample()));
    assertThat(builtIn)
        .containsEntry("logger ROOT", "DEBUG")
        .containsEntry("appender FILE file", dir.resolve("elsewhere") + "/schedulerx-server.log");
  }

  @Test
  void aConsoleOnlyDaemonOpensNoFile() throws Exception {
    set("schedulerx.log.appender", "CONSOLE");
    set("schedulerx.home", dir.toString());

    Map<String, String> builtIn = describe(builtIn());

    assertThat(builtIn).isEqualTo(describe(fromExample()));
    assertThat(builtIn.keySet()).noneMatch(key -> key.startsWith("appender FILE"));
    assertThat(dir.resolve("logs")).doesNotExist();
  }

  @Test
  void theEnvironmentCanMakeItConsoleOnlyAndThePropertyWins() throws Exception {
    set("schedulerx.home", dir.toString());
    Map<String, String> env = Map.of(DefaultLogging.APPENDER_ENV, "CONSOLE");

    Map<String, String> builtIn = describe(builtIn(env));

    assertThat(builtIn).isEqualTo(describe(fromExample(env)));
    assertThat(builtIn.keySet()).noneMatch(key -> key.startsWith("appender FILE"));
    assertThat(dir.resolve("logs")).doesNotExist();

    set("schedulerx.log.appender", "FILE");
    Map<String, String> fileWins = describe(builtIn(env));
    assertThat(fileWins).isEqualTo(describe(fromExample(env))).containsKey("appender FILE file");
  }

  /** The launchers' SLF4J binding sets up what DefaultLogging does, or, when the launcher names one, the given file. */
  @Test
  void theLaunchersBindingIsTheBuiltInConfigurationOrTheFileItIsGiven() throws Exception {
    set("schedulerx.home", dir.toString());

    LoggerContext launcher = launcherLogging();

    assertThat(launcher.getName()).isEqualTo("default");
    assertThat(launcher.isStarted()).isTrue();
    assertThat(describe(launcher)).isEqualTo(describe(builtIn())).containsEntry("logger ROOT", "INFO");

    set("logback.configurationFile", EXAMPLE.toAbsolutePath().toString());
    set("schedulerx.log.level", "DEBUG");
    assertThat(describe(launcherLogging())).isEqualTo(describe(fromExample())).containsEntry("logger ROOT", "DEBUG");
  }

  private LoggerContext launcherLogging() {
    LauncherLogging binding = new LauncherLogging();
    binding.initialize();
    LoggerContext context = (LoggerContext) binding.getLoggerFactory();
    contexts.add(context);
    return context;
  }

  private void set(String key, String value) {
    saved.putIfAbsent(key, System.getProperty(key));
    System.setProperty(key, value);
  }

  private LoggerContext builtIn() {
    LoggerContext context = context();
    DefaultLogging.apply(context);
    return context;
  }

  private LoggerContext builtIn(Map<String, String> env) {
    LoggerContext context = context();
    DefaultLogging.apply(context, env::get);
    return context;
  }

  private LoggerContext fromExample() throws Exception {
    return fromExample(Map.of());
  }

  /** {@code env}: what logback would find in the environment, given as context properties (which it reads first). */
  private LoggerContext fromExample(Map<String, String> env) throws Exception {
    LoggerContext context = context();
    env.forEach(context::putProperty);
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    joran.doConfigure(EXAMPLE.toFile());
    return context;
  }

  private LoggerContext context() {
    LoggerContext context = new LoggerContext();
    contexts.add(context);
    return context;
  }

  /** What an operator sees of a configuration: levels, appenders, files, rolling, and how a task's line looks. */
  private static Map<String, String> describe(LoggerContext context) {
    Map<String, String> seen = new TreeMap<>();
    for (Logger logger : context.getLoggerList()) {
      if (logger.getLevel() != null) {
        seen.put("logger " + logger.getName(), logger.getLevel().toString());
      }
    }
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      Appender<ILoggingEvent> appender = it.next();
      String key = "appender " + appender.getName();
      seen.put(key, appender.getClass().getSimpleName() + (appender.isStarted() ? " started" : " stopped"));
      PatternLayoutEncoder encoder = (PatternLayoutEncoder) ((OutputStreamAppender<ILoggingEvent>) appender).getEncoder();
      seen.put(key + " line", new String(encoder.encode(taskLine(root)), StandardCharsets.UTF_8));
      if (appender instanceof RollingFileAppender<ILoggingEvent> file) {
        SizeAndTimeBasedRollingPolicy<?> rolling = (SizeAndTimeBasedRollingPolicy<?>) file.getRollingPolicy();
        seen.put(key + " file", file.getFile());
        seen.put(key + " rolling",
            rolling.getFileNamePattern() + " " + rolling.getMaxHistory() + " " + field(rolling, TimeBasedRollingPolicy.class, "totalSizeCap")
                + " " + field(rolling, SizeAndTimeBasedRollingPolicy.class, "maxFileSize"));
      }
    }
    return seen;
  }

  /** Settings the rolling policy has no getter for. */
  private static String field(Object owner, Class<?> declaring, String name) {
    try {
      var field = declaring.getDeclaredField(name);
      field.setAccessible(true);
      return String.valueOf(field.get(owner));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ILoggingEvent taskLine(Logger logger) {
    LoggingEvent event = new LoggingEvent("x", logger, Level.INFO, "task started", null, null);
    event.setThreadName("worker-1");
    event.setTimeStamp(0);
    event.setMDCPropertyMap(Map.of("jobId", "7", "instanceId", "42", "taskId", "0"));
    return event;
  }
}
