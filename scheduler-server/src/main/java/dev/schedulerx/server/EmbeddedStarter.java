package dev.schedulerx.server;

import com.typesafe.config.Config;
import dev.schedulerx.common.config.MergedReference;
import dev.schedulerx.common.embedded.EmbeddedServer;
import dev.schedulerx.server.config.ServerSettings;
import java.nio.file.Path;

/** How a worker daemon starts the server in its own JVM (a {@link java.util.ServiceLoader} service). */
public final class EmbeddedStarter implements EmbeddedServer.Starter {
  @Override
  public EmbeddedServer start(Config config, Path home) {
    Config withDefaults = config.withFallback(MergedReference.reference(SchedulerServer.class)).resolve();
    return SchedulerServer.builder(ServerSettings.fromConfig(withDefaults, home)).build().start();
  }
}
