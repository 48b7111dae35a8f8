package dev.schedulerx.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.server.config.ServerSettings.AppGroup;
import dev.schedulerx.server.config.ServerSettings.DatabaseSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every default, and one explicit value for every key (Trino's {@code Test*Config} pair). */
class ServerSettingsTest {
  private static final Path HOME = Path.of("/opt/sx");
  private static final String ONE_GROUP = "schedulerx-server.groups = [{ group-id = g, app-key = k }]";

  private static ServerSettings read(String conf) {
    Config reference = ConfigFactory.parseResources(ServerSettingsTest.class.getClassLoader(), "reference.conf");
    return ServerSettings.fromConfig(ConfigFactory.parseString(conf).withFallback(reference).resolve(), HOME);
  }

  @Test
  void defaults() {
    assertThat(read(ONE_GROUP))
        .isEqualTo(
            new ServerSettings(
                "127.0.0.1",
                18080,
                0,
                Path.of("/opt/sx/data/server"),
                new DatabaseSettings("", "sa", "", 8),
                Duration.ofSeconds(9),
                Duration.ofMillis(100),
                Duration.ofSeconds(5),
                Duration.ofDays(7),
                List.of(new AppGroup("default", "g", "k")), ServerSettings.ApiSecurity.DEFAULT, ServerSettings.Lease.DEFAULT,
                TlsSettings.OFF));
  }

  @Test
  void everyKeyMapsToItsSetting() {
    ServerSettings settings =
        read(
            """
            schedulerx-server {
              host = "10.0.0.7"
              allow-open-api = true
              http-port = 9080
              remoting-port = 9081
              data-dir = "/var/lib/sx"
              database { url = "jdbc:postgresql://db:5432/sx", user = sx, password = pw, pool-size = 3 }
              worker-timeout = 20s
              schedule-poll-interval = 250ms
              submit-timeout = 2s
              history-retention = 30d
              groups = [
                { namespace = ns1, group-id = g1, app-key = k1 }
                { namespace = ns2, group-id = g2, app-key = k2 }
              ]
            }
            """);

    assertThat(settings)
        .isEqualTo(
            new ServerSettings(
                "10.0.0.7",
                9080,
                9081,
                Path.of("/var/lib/sx"),
                new DatabaseSettings("jdbc:postgresql://db:5432/sx", "sx", "pw", 3),
                Duration.ofSeconds(20),
                Duration.ofMillis(250),
                Duration.ofSeconds(2),
                Duration.ofDays(30),
                List.of(new AppGroup("ns1", "g1", "k1"), new AppGroup("ns2", "g2", "k2")), ServerSettings.ApiSecurity.DEFAULT, ServerSettings.Lease.DEFAULT,
                TlsSettings.OFF));
  }

  @Test
  void aRelativeDataDirResolvesAgainstTheHomeAndTheEmptyUrlIsAnH2FileThere() {
    ServerSettings settings = read(ONE_GROUP + "\nschedulerx-server.data-dir = \"state/../db\"");

    assertThat(settings.dataDir()).isEqualTo(Path.of("/opt/sx/db"));
    assertThat(settings.database().effectiveUrl(settings.dataDir()))
        .isEqualTo("jdbc:h2:file:/opt/sx/db/schedulerx;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=64");
  }

  @Test
  void theLeaseDefaultsTo2sRenewal6sTtlAndBothKeysAreRead() {
    assertThat(read(ONE_GROUP).lease()).isEqualTo(ServerSettings.Lease.DEFAULT);
    assertThat(ServerSettings.Lease.DEFAULT)
        .isEqualTo(new ServerSettings.Lease(Duration.ofSeconds(2), Duration.ofSeconds(6)));
    assertThat(read(ONE_GROUP + "\nschedulerx-server.lease { renew-interval = 500ms, ttl = 3s }").lease())
        .isEqualTo(new ServerSettings.Lease(Duration.ofMillis(500), Duration.ofSeconds(3)));
  }

  @Test
  void aLeaseTtlShorterThanTwoRenewalsIsRefused() {
    assertThatThrownBy(() -> read(ONE_GROUP + "\nschedulerx-server.lease { renew-interval = 2s, ttl = 3s }"))
        .hasMessageContaining("'schedulerx-server.lease.ttl': must be at least twice lease.renew-interval");
    assertThatThrownBy(() -> read(ONE_GROUP + "\nschedulerx-server.lease.renew-interval = 0s"))
        .hasMessageContaining("'schedulerx-server.lease.renew-interval': must be a positive duration");
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> read(ONE_GROUP + "\nschedulerx-server.http-port = 70000"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("schedulerx-server.http-port")
        .hasMessageContaining("between 0 and 65535");
    assertThatThrownBy(() -> read(ONE_GROUP + "\nschedulerx-server.http-port = lots"))
        .isInstanceOf(ConfigException.WrongType.class)
        .hasMessageContaining("schedulerx-server.http-port");
    assertThatThrownBy(() -> read(ONE_GROUP + "\nschedulerx-server.submit-timeout = 0s"))
        .hasMessageContaining("'schedulerx-server.submit-timeout': must be a positive duration");
    assertThatThrownBy(() -> read(ONE_GROUP + "\nschedulerx-server.database.pool-size = 0"))
        .hasMessageContaining("'schedulerx-server.database.pool-size': must be at least 1");
  }

  @Test
  void groupsAreCheckedOneByOne() {
    assertThatThrownBy(() -> read(""))
        .hasMessageContaining("'schedulerx-server.groups': must list at least one group");
    assertThatThrownBy(() -> read("schedulerx-server.groups = [{ group-id = g, app-key = k, appkey = x }]"))
        .hasMessageContaining("'schedulerx-server.groups[0].appkey': unknown key");
    assertThatThrownBy(() -> read("schedulerx-server.groups = [{ group-id = g }]"))
        .hasMessageContaining("'schedulerx-server.groups[0].app-key': must not be empty");
    assertThatThrownBy(
            () -> read("schedulerx-server.groups = [{ group-id = g, app-key = a }, { group-id = g, app-key = b }]"))
        .hasMessageContaining("'schedulerx-server.groups': group-id g is listed twice");
  }

  @Test
  void theDatabasePasswordStaysOutOfToString() {
    ServerSettings settings = read(ONE_GROUP + "\nschedulerx-server.database { url = \"jdbc:mariadb://db/sx?password=hunter2\", password = s3cret }");

    assertThat(settings.toString()).doesNotContain("s3cret").doesNotContain("hunter2");
  }
}
