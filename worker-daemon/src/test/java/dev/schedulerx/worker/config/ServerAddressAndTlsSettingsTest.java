package dev.schedulerx.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schedulerx.common.config.ConfigError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** schedulerx.domain with several server nodes, and the schedulerx.tls block. */
class ServerAddressAndTlsSettingsTest {
  @TempDir Path dir;

  private WorkerSettings load(String text) throws Exception {
    Path file = Files.writeString(dir.resolve("worker.conf"), text);
    Properties props = new Properties();
    props.setProperty("schedulerx.home", dir.toString());
    return new ConfigLoader(Map.of(), props).load(file);
  }

  @Test
  void aDomainMayListSeveralNodesInTheOrderTheyAreTried() throws Exception {
    WorkerSettings s = load("schedulerx.domain = \"10.0.0.1:18080, 10.0.0.2:18081,10.0.0.3:18082\"");

    assertThat(s.serverHttpAddresses()).containsExactly("10.0.0.1:18080", "10.0.0.2:18081", "10.0.0.3:18082");
    assertThat(s.hostsServer()).isFalse();
  }

  @Test
  void aBadEntryInTheListIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> load("schedulerx.domain = \"10.0.0.1:18080,http://10.0.0.2\""))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad value for schedulerx.domain")
        .hasMessageContaining("several separated by commas");
  }

  @Test
  void tlsIsOffByDefaultAndRemotingTlsNeedsBothStores() throws Exception {
    assertThat(load("").tls().http()).isFalse();
    assertThat(load("").tls().remoting()).isFalse();

    assertThatThrownBy(() -> load("schedulerx { domain = \"127.0.0.1:1\", tls.remoting = true }"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("schedulerx.tls.remoting")
        .hasMessageContaining("key-store");
    assertThatThrownBy(() -> load("schedulerx { domain = \"127.0.0.1:1\", tls { http = true, trust-store = missing.p12 } }"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("schedulerx.tls.trust-store")
        .hasMessageContaining("not readable");
  }

  @Test
  void storePathsResolveAgainstTheDistributionDirectory() throws Exception {
    Files.writeString(dir.resolve("trust.p12"), "");
    WorkerSettings s = load("schedulerx { domain = \"127.0.0.1:1\", tls { http = true, trust-store = trust.p12 } }");

    assertThat(s.tls().trustStore()).isEqualTo(dir.resolve("trust.p12").toString());
    assertThat(s.tls().httpScheme()).isEqualTo("https");
  }
}
