package dev.schedulerx.worker.config;

import com.typesafe.config.ConfigException;
import dev.schedulerx.common.config.ConfigError;
import dev.schedulerx.common.config.LayeredConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Reads the daemon's configuration: {@code -Dschedulerx.x=…} over {@code SCHEDULERX_X} over the {@code
 * --conf} file over {@code reference.conf} (see {@link LayeredConfig}). Declared jobs are checked key by key
 * by {@link JobDeclarations}. Nothing else: a {@code pekko} block, which the daemon never applied (its actor
 * system's settings come from {@code schedulerx.remoting.*} and the TLS keys), is refused like any unknown key.
 */
public final class ConfigLoader {
  static final String ROOT = "schedulerx";
  static final String JOBS = ROOT + ".jobs";
  /** Declared workflows: WorkflowDeclarations checks their keys. */
  static final String WORKFLOWS = ROOT + ".workflows";
  /** Variables set for every script: their names are the user's. */
  static final String SCRIPT_ENV = ROOT + ".worker.scripts.env";

  private final LayeredConfig layers;

  public ConfigLoader(Map<String, String> env, Properties systemProperties) {
    this.layers = new LayeredConfig(ROOT, "conf/worker.conf", Set.of(JOBS, WORKFLOWS, SCRIPT_ENV), env, systemProperties);
  }

  /** Loads with the process's own environment and system properties. */
  public static ConfigLoader forProcess() {
    return new ConfigLoader(System.getenv(), System.getProperties());
  }

  /** The merged, validated settings; {@link ConfigError} with one line on any problem. */
  public WorkerSettings load(Path confFile) {
    try {
      return WorkerSettings.fromConfig(layers.load(confFile), layers.home());
    } catch (ConfigException e) {
      throw new ConfigError(LayeredConfig.oneLine(e));
    }
  }

  /** {@code schedulerx.server.http-port} → {@code SCHEDULERX_SERVER_HTTP_PORT}. */
  static String envName(String key) {
    return LayeredConfig.envName(key);
  }
}
