package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.e2e.Distribution.CliResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration stops the launcher with exit code 2 and one line naming the key. */
class ConfigErrorsEndToEndTest {
  @TempDir Path dir;

  @Test
  void anUnknownKeyIsNamedWithExitCode2() throws Exception {
    Path conf = dir.resolve("worker.conf");
    Files.writeString(conf, "schedulerx {\n  remoting.prot = 7000\n}\n");

    CliResult r = Distribution.cli(Duration.ofSeconds(60), "--conf", conf.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("schedulerx.remoting.prot").contains("line 2");
  }

  @Test
  void aMissingConfigFileIsNamedWithExitCode2() {
    Path missing = dir.resolve("nope.conf");

    CliResult r = Distribution.cli(Duration.ofSeconds(60), "--conf", missing.toString(), "check-config");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("error: config file " + missing + " not found: pass an existing file with --conf (e.g. --conf conf/worker.conf)");
  }
}
