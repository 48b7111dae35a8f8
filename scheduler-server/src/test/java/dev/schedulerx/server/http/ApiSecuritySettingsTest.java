package dev.schedulerx.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.schedulerx.server.config.ServerSettings.ApiSecurity;
import dev.schedulerx.server.config.ServerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The api-token and openapi-timestamp-skew keys: defaults, explicit values, refusals, and the old constructor. */
class ApiSecuritySettingsTest {
  private static final String ONE_GROUP = "schedulerx-server.groups = [{ group-id = g, app-key = k }]\n";

  private static ServerSettings read(String conf) {
    var reference = ConfigFactory.parseResources(ApiSecuritySettingsTest.class.getClassLoader(), "reference.conf");
    return ServerSettings.fromConfig(ConfigFactory.parseString(ONE_GROUP + conf).withFallback(reference).resolve(), Path.of("/opt/sx"));
  }

  @Test
  void defaultsAreNoTokenAndFiveMinutes() {
    assertThat(read("").apiSecurity()).isEqualTo(new ApiSecurity("", Duration.ofMinutes(5)));
    assertThat(read("").apiSecurity()).isEqualTo(ApiSecurity.DEFAULT);
  }

  @Test
  void bothKeysAreRead() {
    ServerSettings s = read("schedulerx-server { api-token = \"t0k\", openapi-timestamp-skew = 30s }");

    assertThat(s.apiSecurity()).isEqualTo(new ApiSecurity("t0k", Duration.ofSeconds(30)));
    assertThat(s.toString()).doesNotContain("t0k");
  }

  @Test
  void aNonPositiveSkewIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> read("schedulerx-server.openapi-timestamp-skew = 0s"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schedulerx-server.openapi-timestamp-skew");
  }

  @Test
  void aNonLoopbackHostNeedsATokenOrAnExplicitOpenApi() {
    assertThatThrownBy(() -> read("schedulerx-server.host = \"0.0.0.0\""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schedulerx-server.api-token")
        .hasMessageContaining("schedulerx-server.allow-open-api = true");
    assertThatThrownBy(() -> read("schedulerx-server.host = \"192.0.2.10\""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schedulerx-server.api-token");

    assertThat(read("schedulerx-server { host = \"0.0.0.0\", api-token = t0k }").host()).isEqualTo("0.0.0.0");
    assertThat(read("schedulerx-server { host = \"0.0.0.0\", allow-open-api = true }").apiSecurity().apiToken()).isEmpty();
    for (String loopback : List.of("127.0.0.1", "127.0.0.2", "localhost", "::1")) {
      assertThat(read("schedulerx-server.host = \"" + loopback + "\"").apiSecurity().apiToken()).as(loopback).isEmpty();
    }
  }
}
