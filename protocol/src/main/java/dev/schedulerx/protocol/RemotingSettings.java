package dev.schedulerx.protocol;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Map;

/**
 * Pekko settings that make an actor system speak what the official SchedulerX peers speak: classic
 * remoting over TCP with the {@code akka.tcp} scheme, protobuf messages under their Java class names as
 * manifests, and no Java serialization.
 *
 * @param host address to bind and advertise
 * @param port TCP port; 0 picks a free one
 * @param maximumFrameSize largest frame sent or accepted, in bytes
 */
public record RemotingSettings(String host, int port, int maximumFrameSize) {

  /** Akka classic's default; the official peers use it, so frames we send must stay below it. */
  public static final int DEFAULT_MAXIMUM_FRAME_SIZE = 128_000;

  public static RemotingSettings of(String host, int port) {
    return new RemotingSettings(host, port, DEFAULT_MAXIMUM_FRAME_SIZE);
  }

  /** The full Pekko configuration for an actor system using these settings. */
  public Config toConfig() {
    return ConfigFactory.parseMap(
            Map.of(
                "pekko.remote.classic.netty.tcp.hostname", host,
                "pekko.remote.classic.netty.tcp.port", port,
                "pekko.remote.classic.netty.tcp.maximum-frame-size", maximumFrameSize + "b"))
        .withFallback(ConfigFactory.parseResources(RemotingSettings.class, "schedulerx-remoting.conf"))
        .withFallback(ConfigFactory.defaultReference(RemotingSettings.class.getClassLoader()))
        .resolve();
  }

  /** Same, with extra settings layered on top (tests shrink timeouts this way). */
  public Config toConfig(Map<String, ?> overrides) {
    Config config = toConfig();
    for (Map.Entry<String, ?> e : overrides.entrySet()) {
      config = config.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
    }
    return config;
  }
}
