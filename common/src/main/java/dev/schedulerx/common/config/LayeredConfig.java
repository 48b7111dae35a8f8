package dev.schedulerx.common.config;

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
import java.util.stream.Collectors;

/**
 * A program's configuration in layers: JVM system properties ({@code -D<root>.x=…}) over environment
 * variables ({@code ROOT_X}: the key upper-cased, '.' and '-' as '_') over the {@code --conf} file over
 * every {@code reference.conf} on the class path. Unknown keys under the root are errors, so a typo never
 * silently falls back to a default. Used by the worker daemon and the standalone server alike.
 */
public final class LayeredConfig {
  /** Set by the launcher, not by users: where the distribution is, and how loud the console is. */
  private static final Set<String> LAUNCHER_PROPERTIES = Set.of("schedulerx.home", "schedulerx.log.level", MergedReference.PROPERTY);
  /** System properties conf/logback.xml reads (level, file, rolling); not config keys. */
  private static final String LOGGING_PROPERTIES = "schedulerx.log.";

  private final String root;
  private final String documentedIn;
  private final Set<String> freeFormPaths;
  private final Config reference;
  private final Map<String, String> env;
  private final Properties systemProperties;

  /**
   * @param root the block the program owns, e.g. {@code schedulerx}
   * @param documentedIn the file users should look keys up in, named in errors
   * @param freeFormPaths paths below the root whose content the program checks itself (e.g. declared jobs)
   */
  public LayeredConfig(String root, String documentedIn, Set<String> freeFormPaths, Map<String, String> env,
      Properties systemProperties) {
    this.root = root;
    this.documentedIn = documentedIn;
    this.freeFormPaths = Set.copyOf(freeFormPaths);
    // The tree Pekko's actor systems are given too: the reference files are read once, not here and again there.
    this.reference = MergedReference.reference(LayeredConfig.class);
    this.env = Map.copyOf(env);
    this.systemProperties = systemProperties;
  }

  /** The merged configuration, resolved; {@link ConfigError} with one line on any problem. */
  public Config load(Path confFile) {
    Config file = parseFile(confFile);
    rejectUnknownKeys(file, confFile.toString());
    Config overrides = overrides();
    rejectUnknownKeys(overrides, "system properties or environment variables");
    try {
      return overrides.withFallback(file).withFallback(reference).resolve();
    } catch (ConfigException e) {
      throw new ConfigError(oneLine(e));
    }
  }

  /** Relative paths in the config resolve against the distribution directory the launcher names. */
  public Path home() {
    String home = systemProperties.getProperty("schedulerx.home");
    return home == null || home.isBlank() ? Path.of("").toAbsolutePath() : Path.of(home);
  }

  private Config parseFile(Path confFile) {
    if (!Files.isRegularFile(confFile)) {
      throw new ConfigError("config file " + confFile + " not found: pass an existing file with --conf (e.g. --conf "
          + documentedIn + ")");
    }
    try {
      return ConfigFactory.parseFile(confFile.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new ConfigError(oneLine(e));
    }
  }

  private Config overrides() {
    Config fromEnv = ConfigFactory.empty("environment variables");
    Set<String> knownKeys = reference.getConfig(root).entrySet().stream()
        .map(e -> root + "." + e.getKey()).collect(Collectors.toSet());
    for (String key : knownKeys) {
      String value = env.get(envName(key));
      if (value != null) {
        fromEnv = fromEnv.withValue(key, ConfigValueFactory.fromAnyRef(value, "environment variable " + envName(key)));
      }
    }
    Properties own = new Properties();
    systemProperties.stringPropertyNames().stream()
        .filter(name -> name.startsWith(root + ".") && !LAUNCHER_PROPERTIES.contains(name) && !name.startsWith(LOGGING_PROPERTIES))
        .forEach(name -> own.setProperty(name, systemProperties.getProperty(name)));
    Config fromProps = ConfigFactory.parseProperties(own, ConfigParseOptions.defaults().setOriginDescription("system properties"));
    return fromProps.withFallback(fromEnv);
  }

  /** {@code schedulerx.server.http-port} → {@code SCHEDULERX_SERVER_HTTP_PORT}. */
  public static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private void rejectUnknownKeys(Config layer, String where) {
    Set<String> unknown = new TreeSet<>();
    for (String top : layer.root().keySet()) {
      if (!top.equals(root)) {
        unknown.add(top + locate(layer.root().get(top)));
      }
    }
    if (layer.hasPath(root)) {
      for (Map.Entry<String, ConfigValue> e : layer.getConfig(root).entrySet()) {
        String key = root + "." + e.getKey();
        if (!reference.hasPath(key) && freeFormPaths.stream().noneMatch(p -> key.startsWith(p + "."))) {
          unknown.add(key + locate(e.getValue()));
        }
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigError("unknown key " + unknown.iterator().next() + " in " + where
          + ": check the spelling against the keys documented in " + documentedIn);
    }
  }

  private static String locate(ConfigValue value) {
    int line = value.origin().lineNumber();
    return line > 0 ? " (line " + line + ")" : "";
  }

  /** Typesafe-config messages already name the origin and the key; keep them to one line. */
  public static String oneLine(ConfigException e) {
    String message = e.getMessage().replace('\n', ' ');
    return e instanceof ConfigException.Parse ? "cannot parse config: " + message : message;
  }
}
