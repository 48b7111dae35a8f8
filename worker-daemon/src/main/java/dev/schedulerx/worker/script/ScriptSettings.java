package dev.schedulerx.worker.script;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import dev.schedulerx.common.config.ConfigError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code schedulerx.worker.scripts.*} and {@code schedulerx.worker.http-jobs.*}: whether this daemon runs script
 * and HTTP jobs, and within which bounds. Both are off by default: a job's content is code (or a request) chosen
 * by whoever may create jobs on the server, so the operator of the machine opts in.
 *
 * @param enabled whether shell, python and go jobs run here
 * @param interpreters commands a script may be started with (the job's xattrs {@code command} or the type's
 *     default: {@code /bin/sh}, {@code python}, {@code go}); anything else is refused
 * @param workDir working directory of scripts; python and go sources are written below it
 * @param envPassthrough names of the daemon's environment variables a script sees; nothing else of the daemon's
 *     environment reaches it
 * @param env variables set for every script (over the passed-through ones)
 * @param outputCap bytes of a run's output kept in the instance log; the rest is read and dropped
 * @param killGrace after SIGTERM on kill or timeout, how long the script's processes have before SIGKILL
 * @param http the {@code http-jobs} part
 */
public record ScriptSettings(
    boolean enabled,
    List<String> interpreters,
    Path workDir,
    List<String> envPassthrough,
    Map<String, String> env,
    long outputCap,
    Duration killGrace,
    Http http) {

  /** {@code schedulerx.worker.http-jobs.*}: empty {@code allowedHosts} = any host. */
  public record Http(boolean enabled, Set<String> allowedHosts) {
    public Http {
      allowedHosts = Set.copyOf(allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList());
    }

    boolean allows(String host) {
      return allowedHosts.isEmpty() || (host != null && allowedHosts.contains(host.toLowerCase(Locale.ROOT)));
    }
  }

  public ScriptSettings {
    interpreters = List.copyOf(interpreters);
    requireNonNull(workDir, "workDir");
    envPassthrough = List.copyOf(envPassthrough);
    env = Map.copyOf(env);
    requireNonNull(killGrace, "killGrace");
    requireNonNull(http, "http");
  }

  /** The setting a disabled daemon names when it refuses a script job. */
  static final String ENABLED_KEY = "schedulerx.worker.scripts.enabled";
  static final String HTTP_ENABLED_KEY = "schedulerx.worker.http-jobs.enabled";

  /**
   * Reads the settings from the {@code schedulerx} subtree.
   *
   * @param c the config below {@code schedulerx}
   * @param dataDir the daemon's data directory: an empty {@code work-dir} means {@code dataDir/scripts}
   * @param home the distribution directory, against which a relative {@code work-dir} resolves
   */
  public static ScriptSettings fromConfig(Config c, Path dataDir, Path home) {
    String dir = c.getString("worker.scripts.work-dir");
    Map<String, String> env = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : c.getConfig("worker.scripts.env").root().entrySet()) {
      Object value = e.getValue().unwrapped();
      if (value instanceof Map || value instanceof List || value == null) {
        throw bad(c, "worker.scripts.env", "must map variable names to strings, e.g. env { LANG = \"C.UTF-8\" }");
      }
      env.put(e.getKey(), String.valueOf(value));
    }
    ScriptSettings s = new ScriptSettings(
        c.getBoolean("worker.scripts.enabled"),
        stringList(c, "worker.scripts.interpreters"),
        dir.isBlank() ? dataDir.resolve("scripts") : home.resolve(dir).normalize(),
        stringList(c, "worker.scripts.env-passthrough"),
        env,
        c.getBytes("worker.scripts.output-cap"),
        c.getDuration("worker.scripts.kill-grace"),
        new Http(c.getBoolean("worker.http-jobs.enabled"), Set.copyOf(stringList(c, "worker.http-jobs.allowed-hosts"))));
    s.validate(c);
    return s;
  }

  private void validate(Config c) {
    if (interpreters.stream().anyMatch(String::isBlank)) {
      throw bad(c, "worker.scripts.interpreters", "must not contain an empty command");
    }
    for (String name : envPassthrough) {
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw bad(c, "worker.scripts.env-passthrough", "\"" + name + "\" is not an environment variable name");
      }
    }
    for (String name : env.keySet()) {
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw bad(c, "worker.scripts.env", "\"" + name + "\" is not an environment variable name");
      }
    }
    if (outputCap < 1024) {
      throw bad(c, "worker.scripts.output-cap", "must be at least 1KiB (output kept in the instance log per run)");
    }
    if (killGrace.isNegative()) {
      throw bad(c, "worker.scripts.kill-grace", "must not be negative (0 = SIGKILL at once)");
    }
    for (String host : http.allowedHosts()) {
      if (host.isBlank() || host.contains("/") || host.contains(":")) {
        throw bad(c, "worker.http-jobs.allowed-hosts", "\"" + host + "\" is not a host name (no scheme, port or path)");
      }
    }
  }

  /** A list, or (from an environment variable or system property) one string of comma-separated items. */
  private static List<String> stringList(Config c, String key) {
    if (c.getValue(key).valueType() == com.typesafe.config.ConfigValueType.STRING) {
      return java.util.Arrays.stream(c.getString(key).split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList();
    }
    return c.getStringList(key);
  }

  private static ConfigError bad(Config c, String key, String expected) {
    int line = c.hasPath(key) ? c.getValue(key).origin().lineNumber() : -1;
    String origin = c.hasPath(key) ? c.getValue(key).origin().description() : "";
    return new ConfigError("bad value for schedulerx." + key + (line > 0 ? " (" + origin + ")" : "") + ": " + expected);
  }
}
