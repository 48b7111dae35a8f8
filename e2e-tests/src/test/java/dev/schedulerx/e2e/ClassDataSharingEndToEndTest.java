package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The launcher's class-data sharing archive (bin/launcher.sh): its training run makes it, and the JVMs the launcher
 * starts map it. {@code -Xshare:on} turns "the archive does not fit these JARs or this JVM" into a failed start,
 * where the default would start silently without it.
 */
class ClassDataSharingEndToEndTest {
  @Test
  void theArchiveTheLauncherMakesIsMappedByTheJvmsItStarts() throws Exception {
    Path home = Distribution.home();
    Path archive = home.resolve("worker-daemon/target/schedulerx.jsa");
    // What a daemon start does first when the archive is missing or older than a JAR ($0 tells the launcher its home).
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". \"$(dirname \"$0\")\"/launcher.sh && sx_cds_opts train",
        home.resolve("bin/schedulerx-worker").toString()).redirectErrorStream(true);
    pb.environment().remove("SCHEDULERX_SKIP_BUILD");
    Process train = pb.start();
    assertThat(train.waitFor(300, TimeUnit.SECONDS)).as("training run finished").isTrue();
    String option = new String(train.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();

    assertThat(option).as("see worker-daemon/target/cds-training.log").isEqualTo("-XX:SharedArchiveFile=" + archive);
    assertThat(Files.size(archive)).isPositive();

    Distribution.CliResult version = Distribution.cliWith(Duration.ofSeconds(60), "-Xshare:on -Xlog:cds=info", "--version");
    assertThat(version.exitCode()).as(version.out() + version.err()).isZero();
    assertThat(version.out()).contains("Opened archive " + archive).contains("schedulerx-worker ");
  }
}
