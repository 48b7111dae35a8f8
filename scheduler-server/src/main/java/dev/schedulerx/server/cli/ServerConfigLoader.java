package dev.schedulerx.server.cli;

import com.typesafe.config.ConfigException;
import dev.schedulerx.common.config.ConfigError;
import dev.schedulerx.common.config.LayeredConfig;
import dev.schedulerx.server.alert.AlertSettings;
import dev.schedulerx.server.config.ServerSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Reads the standalone server's configuration: {@code -Dschedulerx-server.x=…} over {@code
 * SCHEDULERX_SERVER_X} over the {@code --conf} file over {@code reference.conf} (see {@link LayeredConfig}).
 */
final class ServerConfigLoader {
  private final LayeredConfig layers;

  ServerConfigLoader(Map<String, String> env, Properties systemProperties) {
    this.layers = new LayeredConfig(ServerSettings.ROOT, "conf/server.conf", Set.of(AlertSettings.CHANNELS_PATH), env,
        systemProperties);
  }

  /** Loads with the process's own environment and system properties. */
  static ServerConfigLoader forProcess() {
    return new ServerConfigLoader(System.getenv(), System.getProperties());
  }

  /** The merged, validated settings; {@link ConfigError} with one line on any problem. */
  ServerSettings load(Path confFile) {
    try {
      return ServerSettings.fromConfig(layers.load(confFile), layers.home());
    } catch (ConfigException e) {
      throw new ConfigError(LayeredConfig.oneLine(e));
    }
  }

  /** The alerting block of the same layers; {@link ConfigError} with one line on any problem. */
  AlertSettings alerting(Path confFile) {
    try {
      return AlertSettings.fromConfig(layers.load(confFile));
    } catch (ConfigException e) {
      throw new ConfigError(LayeredConfig.oneLine(e));
    }
  }

  dev.schedulerx.server.dispatch.MasterResume.Settings resume(Path confFile) {
    try {
      return dev.schedulerx.server.dispatch.MasterResume.Settings.fromConfig(layers.load(confFile));
    } catch (ConfigException e) {
      throw new ConfigError(LayeredConfig.oneLine(e));
    }
  }

  static String envName(String key) {
    return LayeredConfig.envName(key);
  }
}
