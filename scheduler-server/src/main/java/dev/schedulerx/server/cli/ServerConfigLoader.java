package dev.schedulerx.server.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import dev.schedulerx.server.ServerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads the standalone server's configuration in layers: JVM system properties ({@code
 * -Dschedulerx-server.http-port=…}) over environment variables ({@code SCHEDULERX_SERVER_HTTP_PORT}) over
 * the {@code --conf} file over {@code reference.conf}. Unknown keys are errors: a typo must not silently
 * fall back to a default.
 */
final class ServerConfigLoader {
  private static final String ROOT = ServerSettings.ROOT;

  private final Config reference;
  private final Map<String, String> env;
  private final Properties systemProperties;

  ServerConfigLoader(Map<String, String> env, Properties systemProperties) {
    this.reference = ConfigFactory.parseResources(ServerConfigLoader.class.getClassLoader(), "reference.conf");
    this.env = Map.copyOf(env);
    this.systemProperties = systemProperties;
  }

  /** Loads with the process's own environment and system properties. */
  static ServerConfigLoader forProcess() {
    return new ServerConfigLoader(System.getenv(), System.getProperties());
  }

  /** The merged, validated settings; {@link ConfigError} with one line on any problem. */
  ServerSettings load(Path confFile) {
    Config file = parseFile(confFile);
    rejectUnknownKeys(file, confFile.toString());
    Config overrides = overrides();
    rejectUnknownKeys(overrides, "system properties or environment variables");
    try {
      Config merged = overrides.withFallback(file).withFallback(reference).resolve();
      return ServerSettings.fromConfig(merged, home());
    } catch (ConfigException e) {
      throw new ConfigError(oneLine(e));
    }
  }

  /** Relative paths in the config resolve against the distribution directory the launcher names. */
  private Path home() {
    String home = systemProperties.getProperty("schedulerx.home");
    return home == null || home.isBlank() ? Path.of("").toAbsolutePath() : Path.of(home);
  }

  private static Config parseFile(Path confFile) {
    if (!Files.isRegularFile(confFile)) {
      throw new ConfigError("config file " + confFile
          + " not found: pass an existing file with --conf (e.g. --conf conf/server.conf)");
    }
    try {
      return ConfigFactory.parseFile(confFile.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new ConfigError(oneLine(e));
    }
  }

  /** {@code -Dschedulerx-server.x=…} and {@code SCHEDULERX_SERVER_X=…}, the former winning. */
  private Config overrides() {
    Config fromEnv = ConfigFactory.empty("environment variables");
    Set<String> knownKeys = reference.getConfig(ROOT).entrySet().stream()
        .map(e -> ROOT + "." + e.getKey()).collect(Collectors.toSet());
    for (String key : knownKeys) {
      String value = env.get(envName(key));
      if (value != null) {
        fromEnv = fromEnv.withValue(key, ConfigValueFactory.fromAnyRef(value, "environment variable " + envName(key)));
      }
    }
    Properties own = new Properties();
    systemProperties.stringPropertyNames().stream()
        .filter(name -> name.startsWith(ROOT + "."))
        .forEach(name -> own.setProperty(name, systemProperties.getProperty(name)));
    Config fromProps = ConfigFactory.parseProperties(own, ConfigParseOptions.defaults().setOriginDescription("system properties"));
    return fromProps.withFallback(fromEnv);
  }

  /** {@code schedulerx-server.http-port} → {@code SCHEDULERX_SERVER_HTTP_PORT}. */
  static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private void rejectUnknownKeys(Config layer, String where) {
    Set<String> unknown = new TreeSet<>();
    for (String top : layer.root().keySet()) {
      if (!top.equals(ROOT)) {
        unknown.add(top + locate(layer.root().get(top)));
      }
    }
    if (layer.hasPath(ROOT)) {
      for (Map.Entry<String, ConfigValue> e : layer.getConfig(ROOT).entrySet()) {
        String key = ROOT + "." + e.getKey();
        if (!reference.hasPath(key)) {
          unknown.add(key + locate(e.getValue()));
        }
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigError("unknown key " + unknown.iterator().next() + " in " + where
          + ": check the spelling against the keys documented in conf/server.conf");
    }
  }

  private static String locate(ConfigValue value) {
    int line = value.origin().lineNumber();
    return line > 0 ? " (line " + line + ")" : "";
  }

  /** Typesafe-config messages already name the origin and the key; keep them to one line. */
  private static String oneLine(ConfigException e) {
    String message = e.getMessage().replace('\n', ' ');
    return e instanceof ConfigException.Parse ? "cannot parse config: " + message : message;
  }
}
