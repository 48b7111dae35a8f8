package dev.schedulerx.common.embedded;

import com.typesafe.config.Config;
import dev.schedulerx.common.config.ConfigError;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * A scheduler server running inside a worker daemon's JVM. The daemon reaches the server module only through
 * this interface and a {@link Starter} found on the class path, so a worker that joins a separate server compiles
 * and runs without the server's code.
 */
public interface EmbeddedServer extends AutoCloseable {
  /** Port of the server's HTTP API (discovery, REST, console). */
  int httpPort();

  @Override
  void close();

  /** Starts a server; the server module registers one as a {@link ServiceLoader} service. */
  interface Starter {
    /**
     * @param config the server's keys under {@code schedulerx-server}, without defaults: the starter adds its own
     * @param home where relative paths of the config are resolved
     */
    EmbeddedServer start(Config config, Path home);
  }

  /** Starts the server of the class path, or fails naming the missing module. */
  static EmbeddedServer start(Config config, Path home, ClassLoader loader) {
    Starter starter = ServiceLoader.load(Starter.class, loader).findFirst()
        .orElseThrow(() -> new ConfigError("schedulerx.server.embedded = true, but the scheduler server is not on the class path "
            + "(schedulerx-scheduler-server): add it, or set schedulerx.server.embedded = false and a schedulerx.domain to join"));
    return starter.start(config, home);
  }
}
