package dev.schedulerx.protocol;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;
import dev.schedulerx.common.config.MergedReference;
import dev.schedulerx.common.tls.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pekko settings that make an actor system speak what the official SchedulerX peers speak: classic
 * remoting over TCP with the {@code akka.tcp} scheme, protobuf messages under their Java class names as
 * manifests, and no Java serialization.
 *
 * @param host address to bind and advertise
 * @param port TCP port; 0 picks a free one
 * @param maximumFrameSize largest frame sent or accepted, in bytes
 * @param tls when {@link TlsSettings#remoting()} is on, the SSL transport ({@code akka.ssl.tcp}) replaces plain TCP
 */
public record RemotingSettings(String host, int port, int maximumFrameSize, TlsSettings tls) {

  public RemotingSettings {
    tls = tls == null ? TlsSettings.OFF : tls;
  }

  public RemotingSettings(String host, int port, int maximumFrameSize) {
    this(host, port, maximumFrameSize, TlsSettings.OFF);
  }

  /** Akka classic's default; the official peers use it, so frames we send must stay below it. */
  public static final int DEFAULT_MAXIMUM_FRAME_SIZE = 128_000;

  public static RemotingSettings of(String host, int port) {
    return new RemotingSettings(host, port, DEFAULT_MAXIMUM_FRAME_SIZE);
  }

  /** The same settings with remoting TLS as {@code tls} says. */
  public RemotingSettings withTls(TlsSettings tls) {
    return new RemotingSettings(host, port, maximumFrameSize, tls);
  }

  /**
   * This module's Pekko defaults, found in its own JAR: parseResources looks for every resource of that name on the
   * class path, which opened each JAR of a daemon's start that no class had needed yet. Read as a stream, not with
   * parseURL, which asks the JAR connection for a content type: the JDK's MIME table was loaded for that, tens of
   * milliseconds of a daemon's start.
   */
  private static final String OWN_DEFAULTS = "schedulerx-remoting.conf";

  private static Config ownDefaults() {
    try (InputStream in = RemotingSettings.class.getResourceAsStream(OWN_DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException(OWN_DEFAULTS + " is missing from the protocol JAR");
      }
      return ConfigFactory.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8),
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setOriginDescription(OWN_DEFAULTS));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + OWN_DEFAULTS, e);
    }
  }

  /** The full Pekko configuration for an actor system using these settings. */
  public Config toConfig() {
    Map<String, Object> settings = new HashMap<>();
    // The SSL transport copies the TCP one in Pekko's reference.conf, resolved before we get it: set both.
    for (String transport : List.of("tcp", "ssl")) {
      settings.put("pekko.remote.classic.netty." + transport + ".hostname", host);
      settings.put("pekko.remote.classic.netty." + transport + ".port", port);
      settings.put("pekko.remote.classic.netty." + transport + ".maximum-frame-size", maximumFrameSize + "b");
      settings.put("pekko.remote.classic.netty." + transport + ".connection-timeout", "5s");
    }
    settings.putAll(sslOverrides(tls));
    return ConfigFactory.parseMap(settings)
        .withFallback(ownDefaults())
        .withFallback(MergedReference.reference(RemotingSettings.class))
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

  /** Pekko settings that switch classic remoting to its SSL transport; empty when remoting TLS is off. */
  private static Map<String, Object> sslOverrides(TlsSettings tls) {
    if (!tls.remoting()) {
      return Map.of();
    }
    String ssl = "pekko.remote.classic.netty.ssl.security.";
    return Map.of(
        "pekko.remote.classic.enabled-transports", java.util.List.of("pekko.remote.classic.netty.ssl"),
        ssl + "key-store", tls.keyStore(),
        ssl + "key-store-password", tls.keyStorePassword(),
        ssl + "key-password", tls.keyStorePassword(),
        ssl + "trust-store", tls.trustStore(),
        ssl + "trust-store-password", tls.trustStorePassword(),
        // Our servers and daemons all present certificates from the configured key store.
        ssl + "require-mutual-authentication", true);
  }
}
