package dev.schedulerx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.schedulerx.server.config.ServerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schedulerx-server.tls block: off by default, stores required and readable when on. */
class ServerTlsSettingsTest {
  private static final String ONE_GROUP = "schedulerx-server.groups = [{ group-id = g, app-key = k }]\n";

  @TempDir Path home;

  private ServerSettings read(String conf) {
    return ServerSettings.fromConfig(
        ConfigFactory.parseString(ONE_GROUP + conf).withFallback(ConfigFactory.defaultReference()).resolve(), home);
  }

  @Test
  void offByDefault() {
    ServerSettings s = read("");
    assertThat(s.tls().http()).isFalse();
    assertThat(s.tls().remoting()).isFalse();
  }

  @Test
  void httpsNeedsAKeyStoreAndRemotingATrustStoreToo() throws Exception {
    assertThatThrownBy(() -> read("schedulerx-server.tls.http = true"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schedulerx-server.tls.http")
        .hasMessageContaining("key-store");
    Files.writeString(home.resolve("node.p12"), "");
    assertThatThrownBy(() -> read("schedulerx-server.tls { remoting = true, key-store = node.p12 }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schedulerx-server.tls.remoting")
        .hasMessageContaining("trust-store");
    assertThatThrownBy(() -> read("schedulerx-server.tls { http = true, key-store = missing.p12 }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schedulerx-server.tls.key-store")
        .hasMessageContaining("not readable");
  }

  @Test
  void storesResolveAgainstTheDistributionDirectory() throws Exception {
    Files.writeString(home.resolve("node.p12"), "");
    ServerSettings s = read("schedulerx-server.tls { http = true, key-store = node.p12, key-store-password = pw }");
    assertThat(s.tls().keyStore()).isEqualTo(home.resolve("node.p12").toString());
    assertThat(s.tls().toString()).doesNotContain("pw");
  }
}
