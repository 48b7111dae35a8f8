package dev.schedulerx.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schedulerx.common.config.ConfigError;
import dev.schedulerx.worker.script.ScriptSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code schedulerx.worker.scripts.*} and {@code schedulerx.worker.http-jobs.*} as conf/worker.conf sets them. */
class ScriptSettingsConfigTest {
  @TempDir Path dir;

  private ScriptSettings load(Map<String, String> env, String text) throws Exception {
    Path file = dir.resolve("worker.conf");
    Files.writeString(file, text);
    Properties p = new Properties();
    p.setProperty("schedulerx.home", "/opt/sx");
    return new ConfigLoader(env, p).load(file).scripts();
  }

  @Test
  void scriptAndHttpJobsAreOffByDefault() throws Exception {
    ScriptSettings s = load(Map.of(), "");

    assertThat(s.enabled()).isFalse();
    assertThat(s.http()).isEqualTo(new ScriptSettings.Http(false, Set.of()));
    assertThat(s.interpreters()).containsExactly("/bin/sh", "sh", "/bin/bash", "bash", "python", "python3", "go");
    assertThat(s.workDir()).isEqualTo(Path.of("/opt/sx/data/scripts"));
    assertThat(s.envPassthrough()).containsExactly("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR");
    assertThat(s.env()).isEmpty();
    assertThat(s.outputCap()).isEqualTo(1L << 20);
    assertThat(s.killGrace()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void everyKeyMapsToItsSetting() throws Exception {
    ScriptSettings s = load(Map.of(), """
        schedulerx.worker {
          scripts { enabled = true, interpreters = [bash], work-dir = "run", env-passthrough = [PATH]
                    env { LANG = "C.UTF-8", RETRIES = 3 }, output-cap = 64KiB, kill-grace = 2s }
          http-jobs { enabled = true, allowed-hosts = [API.example.com, "10.0.0.7"] }
        }
        """);

    assertThat(s).isEqualTo(new ScriptSettings(true, List.of("bash"), Path.of("/opt/sx/run"), List.of("PATH"),
        Map.of("LANG", "C.UTF-8", "RETRIES", "3"), 64 * 1024, Duration.ofSeconds(2),
        new ScriptSettings.Http(true, Set.of("api.example.com", "10.0.0.7"))));
  }

  @Test
  void listsComeFromTheEnvironmentCommaSeparated() throws Exception {
    ScriptSettings s = load(Map.of("SCHEDULERX_WORKER_SCRIPTS_ENABLED", "true",
        "SCHEDULERX_WORKER_SCRIPTS_INTERPRETERS", "/bin/sh, python3"), "");

    assertThat(s.enabled()).isTrue();
    assertThat(s.interpreters()).containsExactly("/bin/sh", "python3");
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> load(Map.of(), "schedulerx.worker.scripts.output-cap = 100"))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad value for schedulerx.worker.scripts.output-cap")
        .hasMessageEndingWith("must be at least 1KiB (output kept in the instance log per run)");
    assertThatThrownBy(() -> load(Map.of(), "schedulerx.worker.scripts.env-passthrough = [\"MY-VAR\"]"))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad value for schedulerx.worker.scripts.env-passthrough")
        .hasMessageEndingWith("\"MY-VAR\" is not an environment variable name");
    assertThatThrownBy(() -> load(Map.of(), "schedulerx.worker.scripts.kill-grace = -1s"))
        .hasMessageStartingWith("bad value for schedulerx.worker.scripts.kill-grace");
    assertThatThrownBy(() -> load(Map.of(), "schedulerx.worker.http-jobs.allowed-hosts = [\"https://api.example.com\"]"))
        .hasMessageStartingWith("bad value for schedulerx.worker.http-jobs.allowed-hosts")
        .hasMessageEndingWith("\"https://api.example.com\" is not a host name (no scheme, port or path)");
    assertThatThrownBy(() -> load(Map.of(), "schedulerx.worker.scripts.enabeld = true"))
        .hasMessageStartingWith("unknown key schedulerx.worker.scripts.enabeld");
  }

  @Test
  void scriptAndHttpJobsCanBeDeclared() throws Exception {
    Path file = dir.resolve("worker.conf");
    Files.writeString(file, """
        schedulerx.jobs {
          disk { job-type = shell, content = "df -h /", execute-mode = broadcast, time-type = cron, time-expression = "0 0 2 * * ?" }
          ping { job-type = http, content = "{\\"url\\":\\"http://127.0.0.1/health\\"}" }
        }
        """);
    Properties p = new Properties();
    p.setProperty("schedulerx.home", "/opt/sx");
    var jobs = new ConfigLoader(Map.of(), p).load(file).jobs();

    var disk = jobs.get(0).normalized();
    assertThat(disk.jobType()).isEqualTo("shell");
    assertThat(disk.content()).isEqualTo("df -h /");
    assertThat(disk.executeMode()).isEqualTo("broadcast");
    assertThat(jobs.get(1).normalized().content()).isEqualTo("{\"url\":\"http://127.0.0.1/health\"}");
    Files.writeString(file, "schedulerx.jobs { empty { job-type = python } }");
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), p).load(file))
        .hasMessageStartingWith("bad job schedulerx.jobs.empty: content");
  }
}
