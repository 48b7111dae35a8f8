package dev.schedulerx.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schedulerx.common.config.ConfigError;
import dev.schedulerx.job.schedule.TimeType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path conf(String text) throws Exception {
    Path file = dir.resolve("worker.conf");
    Files.writeString(file, text);
    return file;
  }

  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    p.setProperty("schedulerx.home", "/opt/sx");
    return p;
  }

  @Test
  void theLaunchersOwnPropertiesAreNotConfigKeys() throws Exception {
    WorkerSettings s = new ConfigLoader(Map.of(), props("schedulerx.merged-reference", "/opt/sx/reference.merged.bin", "schedulerx.log.level", "WARN"))
        .load(conf(""));

    assertThat(s.groupId()).isEqualTo("examples");
  }

  @Test
  void defaultsApplyToAnEmptyFile() throws Exception {
    WorkerSettings s = new ConfigLoader(Map.of(), props()).load(conf(""));

    assertThat(s.groupId()).isEqualTo("examples");
    assertThat(s.remotingHost()).isEqualTo("127.0.0.1");
    assertThat(s.remotingPort()).isZero();
    assertThat(s.hostsServer()).isTrue();
    assertThat(s.serverHttpAddress()).isEqualTo("127.0.0.1:18080");
    assertThat(s.pluginsDir()).isEqualTo(Path.of("/opt/sx/plugins"));
    assertThat(s.dataDir()).isEqualTo(Path.of("/opt/sx/data"));
    assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.threads()).isEqualTo(8);
    assertThat(s.dispatch()).isEqualTo(new WorkerSettings.Dispatch(2048, 1024, 16L << 20));
    assertThat(s.jobs()).isEmpty();
    assertThat(s.apiToken()).isEmpty();
    assertThat(s.instanceLogs()).isEqualTo(dev.schedulerx.worker.logs.InstanceLogShipping.Settings.DEFAULT);
    assertThat(s.http()).isEqualTo(new WorkerSettings.Http("127.0.0.1", 0));
    assertThat(s.liveness()).isEqualTo(new WorkerSettings.Liveness(Duration.ofSeconds(2), 3, Duration.ofSeconds(2),
        Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30)));
  }

  @Test
  void everyKeyMapsToItsSetting() throws Exception {
    WorkerSettings s = new ConfigLoader(Map.of(), props()).load(conf("""
        schedulerx {
          namespace = ns, group-id = g, app-key = k, domain = "10.1.1.1:8080", label = blue, api-token = s3cret
          plugins-dir = "/p", data-dir = "/d"
          remoting { host = "127.0.0.2", port = 7100 }
          server { embedded = false, http-port = 9000, remoting-port = 9001, database { url = "jdbc:h2:mem:x", user = u, password = pw } }
          worker { threads = 3, heartbeat-interval = 2s, report-retry-interval = 1s, shutdown-grace = 7s, http { host = "0.0.0.0", port = 18081 } }
          worker.dispatch { window = 500, batch-size = 100, memory-budget = 1MiB, resume = off, progress-interval = 250ms }
          worker.liveness { check-interval = 5s, misses = 4, check-timeout = 3s, start-timeout = 20s, report-timeout = 11s, master-gone-after = 2m, map-timeout = 40s }
          instance-logs { ship = false, buffer-size = 50, flush-interval = 2s }
        }
        """));

    assertThat(s).extracting(WorkerSettings::namespace, WorkerSettings::groupId, WorkerSettings::appKey,
            WorkerSettings::domain, WorkerSettings::label, WorkerSettings::remotingHost, WorkerSettings::remotingPort, WorkerSettings::threads)
        .containsExactly("ns", "g", "k", "10.1.1.1:8080", "blue", "127.0.0.2", 7100, 3);
    assertThat(s.server()).isEqualTo(new WorkerSettings.EmbeddedServer(false, 9000, 9001, "jdbc:h2:mem:x", "u", "pw"));
    assertThat(s.hostsServer()).isFalse();
    assertThat(s.serverHttpAddress()).isEqualTo("10.1.1.1:8080");
    assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.reportRetryInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.shutdownGrace()).isEqualTo(Duration.ofSeconds(7));
    assertThat(s.pluginsDir()).isEqualTo(Path.of("/p"));
    assertThat(s.apiToken()).isEqualTo("s3cret");
    assertThat(s.toString()).doesNotContain("s3cret");
    assertThat(s.instanceLogs()).isEqualTo(new dev.schedulerx.worker.logs.InstanceLogShipping.Settings(false, 50, Duration.ofSeconds(2)));
    assertThat(s.http()).isEqualTo(new WorkerSettings.Http("0.0.0.0", 18081));
    assertThat(s.dispatch()).isEqualTo(new WorkerSettings.Dispatch(500, 100, 1L << 20, false, Duration.ofMillis(250)));
    assertThat(s.liveness()).isEqualTo(new WorkerSettings.Liveness(Duration.ofSeconds(5), 4, Duration.ofSeconds(3),
        Duration.ofSeconds(20), Duration.ofSeconds(11), Duration.ofMinutes(2), Duration.ofSeconds(40)));
  }

  @Test
  void aLivenessTimeoutTooShortOrNoMissAllowedIsRefusedNamingTheKey() throws Exception {
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), props()).load(conf("schedulerx.worker.liveness.check-timeout = 10ms")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad value for schedulerx.worker.liveness.check-timeout")
        .hasMessageContaining("at least 100ms");
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), props()).load(conf("schedulerx.worker.liveness.misses = 0")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad value for schedulerx.worker.liveness.misses");
  }

  @Test
  void anEmbeddedServerOnAllInterfacesWithoutATokenIsRefusedNamingTheTokenAndTheOptOut() throws Exception {
    Path open = conf("schedulerx.remoting.host = \"0.0.0.0\"");

    assertThatThrownBy(() -> new ConfigLoader(Map.of(), props()).load(open))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad value for schedulerx.api-token")
        .hasMessageContaining("\"0.0.0.0\"")
        .hasMessageContaining("schedulerx.server.allow-open-api = true");
    assertThat(new ConfigLoader(Map.of("SCHEDULERX_API_TOKEN", "t0k"), props()).load(open).remotingHost()).isEqualTo("0.0.0.0");
    assertThat(new ConfigLoader(Map.of("SCHEDULERX_SERVER_ALLOW_OPEN_API", "true"), props()).load(open).server().allowOpenApi()).isTrue();
    // A worker that joins another server hosts no API: nothing to protect here.
    assertThat(new ConfigLoader(Map.of("SCHEDULERX_DOMAIN", "10.0.0.1:18080"), props()).load(open).hostsServer()).isFalse();
  }

  @Test
  void aDispatchBatchLargerThanTheWindowIsNamedWithTheLimit() throws Exception {
    Path file = conf("schedulerx.worker.dispatch { window = 100, batch-size = 500 }");

    assertThatThrownBy(() -> new ConfigLoader(Map.of(), props()).load(file))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad value for schedulerx.worker.dispatch.batch-size")
        .hasMessageEndingWith("must be between 1 and worker.dispatch.window (100)");
  }

  @Test
  void aProgressIntervalBelowATenthOfASecondIsRefused() throws Exception {
    Path file = conf("schedulerx.worker.dispatch.progress-interval = 10ms");

    assertThatThrownBy(() -> new ConfigLoader(Map.of(), props()).load(file))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad value for schedulerx.worker.dispatch.progress-interval")
        .hasMessageEndingWith("must be at least 100ms");
  }

  @Test
  void theHttpPortComesFromTheEnvironmentAsTheContainerImageSetsIt() throws Exception {
    WorkerSettings s = new ConfigLoader(Map.of("SCHEDULERX_WORKER_HTTP_PORT", "18081"), props()).load(conf(""));

    assertThat(s.http().port()).isEqualTo(18081);
  }

  @Test
  void anHttpPortOutOfRangeIsNamed() throws Exception {
    Path file = conf("schedulerx.worker.http.port = 70000");

    assertThatThrownBy(() -> new ConfigLoader(Map.of(), props()).load(file))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad value for schedulerx.worker.http.port");
  }

  @Test
  void aDomainTurnsTheEmbeddedServerOff() throws Exception {
    WorkerSettings s = new ConfigLoader(Map.of(), props()).load(conf("schedulerx.domain = \"127.0.0.1:9\""));

    assertThat(s.server().enabled()).isTrue();
    assertThat(s.hostsServer()).isFalse();
  }

  @Test
  void pluginsAreScannedEveryTwoSecondsByDefaultAndZeroTurnsHotReloadOff() throws Exception {
    assertThat(new ConfigLoader(Map.of(), props()).load(conf("")).pluginsScanInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(new ConfigLoader(Map.of(), props()).load(conf("schedulerx.worker.plugins-scan-interval = 0")).pluginsScanInterval()).isZero();

    Path tooOften = conf("schedulerx.worker.plugins-scan-interval = 10ms");
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), props()).load(tooOften))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad value for schedulerx.worker.plugins-scan-interval")
        .hasMessageEndingWith("must be 0 (off) or at least 100ms");
  }

  @Test
  void loggingPropertiesOfConfLogbackXmlAreNotConfigKeys() throws Exception {
    WorkerSettings s = new ConfigLoader(Map.of(), props("schedulerx.log.dir", "/var/log/sx", "schedulerx.log.appender", "CONSOLE"))
        .load(conf(""));

    assertThat(s.groupId()).isEqualTo("examples");
  }

  @Test
  void systemPropertiesBeatEnvironmentWhichBeatsTheFile() throws Exception {
    Path file = conf("schedulerx { remoting.port = 1000, group-id = fromfile, label = fromfile }");
    Map<String, String> env = Map.of("SCHEDULERX_REMOTING_PORT", "2000", "SCHEDULERX_GROUP_ID", "fromenv");

    WorkerSettings s = new ConfigLoader(env, props("schedulerx.remoting.port", "3000")).load(file);

    assertThat(s.remotingPort()).isEqualTo(3000);
    assertThat(s.groupId()).isEqualTo("fromenv");
    assertThat(s.label()).isEqualTo("fromfile");
  }

  @Test
  void anUnknownKeyInTheFileIsNamedWithItsLine() throws Exception {
    Path file = conf("schedulerx {\n  group-id = x\n  remoting.prot = 1\n}\n");

    assertThatThrownBy(() -> new ConfigLoader(Map.of(), props()).load(file))
        .isInstanceOf(ConfigError.class)
        .hasMessage("unknown key schedulerx.remoting.prot (line 3) in " + file + ": check the spelling against the keys documented in conf/worker.conf");
  }

  @Test
  void aPekkoBlockIsRefusedRatherThanSilentlyIgnored() throws Exception {
    Path file = conf("schedulerx { group-id = x }\npekko.remote.classic.netty.tcp.connection-timeout = 1s\n");

    assertThatThrownBy(() -> new ConfigLoader(Map.of(), props()).load(file))
        .isInstanceOf(ConfigError.class)
        .hasMessage("unknown key pekko (line 2) in " + file + ": check the spelling against the keys documented in conf/worker.conf");
  }

  @Test
  void anUnknownSystemPropertyIsAnError() throws Exception {
    Path file = conf("");

    assertThatThrownBy(() -> new ConfigLoader(Map.of(), props("schedulerx.grup-id", "x")).load(file))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("unknown key schedulerx.grup-id");
  }

  @Test
  void aWrongTypeNamesTheKey() throws Exception {
    Path file = conf("schedulerx.remoting.port = lots");

    assertThatThrownBy(() -> new ConfigLoader(Map.of(), props()).load(file))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("remoting.port")
        .hasMessageContaining("NUMBER");
  }

  @Test
  void anOutOfRangePortSaysWhatIsExpected() throws Exception {
    Path file = conf("schedulerx.remoting.port = 70000");

    assertThatThrownBy(() -> new ConfigLoader(Map.of(), props()).load(file))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("schedulerx.remoting.port")
        .hasMessageContaining("between 0 and 65535");
  }

  @Test
  void declaredJobsAreReadWithDefaults() throws Exception {
    WorkerSettings s = new ConfigLoader(Map.of(), props()).load(conf("""
        schedulerx.jobs {
          hello { processor = HelloWorld }
          tick { processor = HelloWorld, time-type = cron, time-expression = "*/5 * * * * ?", attempt-interval = 1m, max-attempt = 2 }
        }
        """));

    assertThat(s.jobs()).hasSize(2);
    var hello = s.jobs().get(0);
    assertThat(hello.name()).isEqualTo("hello");
    assertThat(hello.normalized().timeType()).isEqualTo(TimeType.API.key());
    assertThat(hello.normalized().executeMode()).isEqualTo("standalone");
    assertThat(hello.normalized().attemptInterval()).isEqualTo(30);
    var tick = s.jobs().get(1).normalized();
    assertThat(tick.timeType()).isEqualTo(TimeType.CRON.key());
    assertThat(tick.attemptInterval()).isEqualTo(60);
    assertThat(tick.maxAttempt()).isEqualTo(2);
    assertThat(tick.group()).isEqualTo("examples");
  }

  @Test
  void aWorkflowDeclaredInTheFileIsReadNotRefusedAsAnUnknownKey() throws Exception {
    WorkerSettings s = new ConfigLoader(Map.of(), props()).load(conf("""
        schedulerx.jobs { a { processor = HelloWorld }, b { processor = HelloWorld } }
        schedulerx.workflows { chain { edges = ["a -> b"], failure-policy = fail-fast } }
        """));

    assertThat(s.workflows()).hasSize(1);
    assertThat(s.workflows().get(0)).containsEntry("name", "chain").containsEntry("failurePolicy", "fail-fast");
  }

  @Test
  void aJobsConcurrencyPolicyIsReadAndDefaultsToSkip() throws Exception {
    WorkerSettings s = new ConfigLoader(Map.of(), props()).load(conf("""
        schedulerx.jobs {
          plain { processor = HelloWorld }
          serial { processor = HelloWorld, max-concurrency = 1, concurrency-policy = queue }
        }
        """));

    assertThat(s.jobs().get(0).normalized().concurrencyPolicy()).isEqualTo("skip");
    assertThat(s.jobs().get(1).normalized().concurrencyPolicy()).isEqualTo("queue");
  }

  @Test
  void anUnknownConcurrencyPolicyFailsTheLoadNamingTheJobAndTheChoices() throws Exception {
    Path file = conf("schedulerx.jobs.serial { processor = HelloWorld, concurrency-policy = wait }");

    assertThatThrownBy(() -> new ConfigLoader(Map.of(), props()).load(file))
        .isInstanceOf(ConfigError.class)
        .hasMessage("bad job schedulerx.jobs.serial: concurrencyPolicy \"wait\": expected one of [skip, queue]");
  }

  @Test
  void aBadCronExpressionFailsTheLoadNamingTheJob() throws Exception {
    Path file = conf("schedulerx.jobs.tick { processor = HelloWorld, time-type = cron, time-expression = \"0 * * *\" }");

    assertThatThrownBy(() -> new ConfigLoader(Map.of(), props()).load(file))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad job schedulerx.jobs.tick: ")
        .hasMessageContaining("0 * * *");
  }

  @Test
  void anUnknownJobKeyIsNamed() throws Exception {
    Path file = conf("schedulerx.jobs.tick { processor = HelloWorld, schedule = daily }");

    assertThatThrownBy(() -> new ConfigLoader(Map.of(), props()).load(file))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("unknown key schedulerx.jobs.tick.schedule (line 1)");
  }

  @Test
  void aMissingFileIsAConfigError() {
    Path missing = dir.resolve("nope.conf");

    assertThatThrownBy(() -> new ConfigLoader(Map.of(), props()).load(missing))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("nope.conf not found");
  }

  @Test
  void envNamesFollowTheKey() {
    assertThat(ConfigLoader.envName("schedulerx.server.http-port")).isEqualTo("SCHEDULERX_SERVER_HTTP_PORT");
  }
}
