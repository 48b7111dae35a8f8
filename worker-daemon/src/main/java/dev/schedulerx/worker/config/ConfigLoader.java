package dev.schedulerx.worker.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the daemon's configuration in layers: system properties over environment variables over the
 * {@code --conf} file over {@code reference.conf}. Unknown keys are errors (a typo must not silently fall
 * back to a default).
 */
public final class ConfigLoader {
  static final String ROOT = "schedulerx";
  static final String JOBS = ROOT + ".jobs";
  /** Set by the launcher, not by users: where the distribution is, and how loud the console is. */
  static final Set<String> LAUNCHER_PROPERTIES = Set.of("schedulerx.home", "schedulerx.log.level");

  private final Config reference;
  private final Map<String, String> env;
  private final Properties systemProperties;

  public ConfigLoader(Map<String, String> env, Properties systemProperties) {
    this.reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf");
    this.env = Map.copyOf(env);
    this.systemProperties = systemProperties;
  }

  /** Loads with the process's own environment and system properties. */
  public static ConfigLoader forProcess() {
    return new ConfigLoader(System.getenv(), System.getProperties());
  }

  /** The merged, validated settings; {@link ConfigError} with one line on any problem. */
  public WorkerSettings load(Path confFile) {
    Config file = parseFile(confFile);
    rejectUnknownKeys(file, confFile.toString());
    Config overrides = overrides();
    rejectUnknownKeys(overrides, "system properties");
    Config merged = overrides.withFallback(file).withFallback(reference).resolve();
    try {
      return WorkerSettings.fromConfig(merged, home());
    } catch (ConfigException e) {
      throw new ConfigError(oneLine(e));
    }
  }

  /** Relative paths in the config resolve against the distribution directory the launcher names. */
  private Path home() {
    String home = systemProperties.getProperty("schedulerx.home");
    return home == null || home.isBlank() ? Path.of("").toAbsolutePath() : Path.of(home);
  }

  private Config parseFile(Path confFile) {
    if (!Files.isRegularFile(confFile)) {
      throw new ConfigError("config file " + confFile + " not found: pass an existing file with --conf (e.g. --conf conf/worker.conf)");
    }
    try {
      return ConfigFactory.parseFile(confFile.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new ConfigError(oneLine(e));
    }
  }

  /** {@code -Dschedulerx.x=…} and {@code SCHEDULERX_X=…}, the former winning. */
  private Config overrides() {
    Config fromEnv = ConfigFactory.empty("environment variables");
    Set<String> knownKeys = reference.getConfig(ROOT).entrySet().stream()
        .map(e -> ROOT + "." + e.getKey()).collect(java.util.stream.Collectors.toSet());
    for (String key : knownKeys) {
      String value = env.get(envName(key));
      if (value != null) {
        fromEnv = fromEnv.withValue(key, ConfigValueFactory.fromAnyRef(value, "environment variable " + envName(key)));
      }
    }
    Properties own = new Properties();
    systemProperties.stringPropertyNames().stream()
        .filter(name -> name.startsWith(ROOT + ".") && !LAUNCHER_PROPERTIES.contains(name))
        .forEach(name -> own.setProperty(name, systemProperties.getProperty(name)));
    Config fromProps = ConfigFactory.parseProperties(own, ConfigParseOptions.defaults().setOriginDescription("system properties"));
    return fromProps.withFallback(fromEnv);
  }

  /** {@code schedulerx.server.http-port} → {@code SCHEDULERX_SERVER_HTTP_PORT}. */
  static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private void rejectUnknownKeys(Config layer, String where) {
    if (!layer.hasPath(ROOT)) {
      return;
    }
    Set<String> unknown = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : layer.getConfig(ROOT).entrySet()) {
      String key = ROOT + "." + e.getKey();
      if (key.startsWith(JOBS + ".")) {
        continue; // checked per job by JobDeclarations
      }
      if (!reference.hasPath(key)) {
        unknown.add(key + locate(e.getValue()));
      }
    }
    for (String top : layer.root().keySet()) {
      if (!top.equals(ROOT) && !top.equals("pekko") && !top.equals("include")) {
        unknown.add(top + locate(layer.root().get(top)));
      }
    }
    if (!unknown.isEmpty()) {
      String first = unknown.iterator().next();
      throw new ConfigError("unknown key " + first + " in " + where
          + ": check the spelling against the keys documented in conf/worker.conf");
    }
  }

  private static String locate(ConfigValue value) {
    int line = value.origin().lineNumber();
    return line > 0 ? " (line " + line + ")" : "";
  }

  /** Typesafe-config messages already name the origin and the key; keep them to one line. */
  static String oneLine(ConfigException e) {
    String message = e.getMessage().replace('\n', ' ');
    return e instanceof ConfigException.Parse ? "cannot parse config: " + message : message;
  }
}
