package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
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

    assertThat(train(home)).as("see worker-daemon/target/cds-training.log").isEqualTo("-XX:SharedArchiveFile=" + archive);
    assertThat(Files.size(archive)).isPositive();

    Distribution.CliResult version = Distribution.cliWith(Duration.ofSeconds(60), "-Xshare:on -Xlog:cds=info", "--version");
    assertThat(version.exitCode()).as(version.out() + version.err()).isZero();
    assertThat(version.out()).contains("Opened archive " + archive).contains("schedulerx-worker ");
  }

  /**
   * A worker-only distribution is this tree without worker-daemon/target/lib-server: its class path is the worker's
   * JARs alone, as the launcher puts them first in the full tree, and the archive made in the full tree fits it too.
   */
  @Test
  void theArchiveFitsTheWorkerOnlyClassPath() throws Exception {
    Path home = Distribution.home();
    Path target = home.resolve("worker-daemon/target");
    Path archive = target.resolve("schedulerx.jsa");
    assertThat(train(home)).as("see worker-daemon/target/cds-training.log").isEqualTo("-XX:SharedArchiveFile=" + archive);
    assertThat(Files.isDirectory(target.resolve("lib-server"))).as("the full tree has the server's JARs").isTrue();
    String workerOnlyClassPath = Distribution.daemonJar() + File.pathSeparator + target.resolve("lib") + File.separator + "*";

    Process version = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=info",
        "-cp", workerOnlyClassPath, "dev.schedulerx.worker.cli.Main", "--version").redirectErrorStream(true).start();
    assertThat(version.waitFor(60, TimeUnit.SECONDS)).as("--version finished").isTrue();
    String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(version.exitValue()).as(out).isZero();
    assertThat(out).contains("Opened archive " + archive).contains("schedulerx-worker ");
  }

  /**
   * What a daemon start does first when the archive is missing or older than a JAR ($0 tells the launcher its home);
   * returns the JVM option the launcher then passes.
   */
  private static String train(Path home) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". \"$(dirname \"$0\")\"/launcher.sh && sx_cds_opts train",
        home.resolve("bin/schedulerx-worker").toString()).redirectErrorStream(true);
    pb.environment().remove("SCHEDULERX_SKIP_BUILD");
    Process train = pb.start();
    assertThat(train.waitFor(300, TimeUnit.SECONDS)).as("training run finished").isTrue();
    return new String(train.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
  }
}
