package dev.schedulerx.e2e;

import static dev.schedulerx.e2e.Distribution.sourcedLauncher;
import static dev.schedulerx.e2e.Distribution.trainedArchiveOption;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
   * A daemon with its embedded server (the default conf/worker.conf) gets an archive of its own, trained with the
   * embedded server: it holds the server's classes, which the worker's archive leaves out.
   */
  @Test
  void theEmbeddedServersArchiveHoldsTheServersClassesAndTheWorkersDoesNot() throws Exception {
    Path home = Distribution.home();
    Path target = home.resolve("worker-daemon/target");
    assertThat(train(home, "embedded")).as("see worker-daemon/target/cds-training-embedded.log")
        .isEqualTo("-XX:SharedArchiveFile=" + target.resolve("schedulerx-embedded.jsa"));
    assertThat(train(home)).isEqualTo("-XX:SharedArchiveFile=" + target.resolve("schedulerx.jsa"));

    assertThat(archivedClasses(home, target.resolve("schedulerx-embedded.jsa")))
        .contains("dev.schedulerx.server.SchedulerServer", "dev.schedulerx.worker.WorkerDaemon");
    assertThat(archivedClasses(home, target.resolve("schedulerx.jsa")))
        .contains("dev.schedulerx.worker.WorkerDaemon").doesNotContain("dev.schedulerx.server.SchedulerServer");
  }

  /**
   * The build makes the serializable lambdas of Pekko and Scala plain (build-tools' ArchivableLambdas), because the
   * JVM archives the classes it spins for plain lambdas only: the worker's archive holds hundreds of them, which a
   * start would otherwise spin afresh (with the JARs from Maven Central the archive holds 5 of Pekko's).
   */
  @Test
  void theArchiveHoldsTheLambdasOfPekkoAndScala() throws Exception {
    Path home = Distribution.home();
    Path archive = home.resolve("worker-daemon/target/schedulerx.jsa");
    assertThat(train(home)).isEqualTo("-XX:SharedArchiveFile=" + archive);

    List<String> lambdas = archivedClasses(home, archive).lines().filter(line -> line.contains("$$Lambda$")).toList();

    assertThat(lambdas.stream().filter(line -> line.contains(" org.apache.pekko."))).hasSizeGreaterThan(200);
    assertThat(lambdas.stream().filter(line -> line.contains(" scala."))).hasSizeGreaterThan(10);
  }

  /** Which archive a daemon start gets: the launcher's guess from the config file, the environment and JAVA_OPTS. */
  @Test
  void theLauncherGivesTheEmbeddedArchiveToDaemonsThatStartTheirServer(@TempDir Path dir) throws Exception {
    Path home = Distribution.home();
    Path workerOnly = Files.writeString(dir.resolve("worker-only.conf"),
        "schedulerx {\n  # embedded = true\n  server { embedded = false }\n}\n");
    Path joining = Files.writeString(dir.resolve("joining.conf"), "schedulerx { domain = \"127.0.0.1:18080\" }\n");
    Path commentedOut = Files.writeString(dir.resolve("embedded.conf"),
        "schedulerx {\n  domain = \"\"\n  # server.embedded = false\n}\n");

    assertThat(guess(home, Map.of(), "--conf", workerOnly.toString())).isEqualTo("worker only");
    assertThat(guess(home, Map.of(), "--conf=" + joining)).isEqualTo("worker only");
    assertThat(guess(home, Map.of(), "-c", commentedOut.toString())).isEqualTo("embedded");
    assertThat(guess(home, Map.of())).as("conf/worker.conf").isEqualTo("embedded");
    assertThat(guess(home, Map.of("SCHEDULERX_DOMAIN", "127.0.0.1:18080"), "-c", commentedOut.toString())).isEqualTo("worker only");
    assertThat(guess(home, Map.of("JAVA_OPTS", "-Xmx1g -Dschedulerx.server.embedded=false"))).isEqualTo("worker only");
  }

  /**
   * The initial heap a daemon start gets: 256 MB with the embedded server (its database's churn otherwise brought full
   * collections), unless JAVA_OPTS sizes the heap itself (a smaller -Xmx must still start); 16 MB for a worker.
   */
  @Test
  void anEmbeddedServersDaemonStartsWithALargerHeapUnlessJavaOptsSizeIt() throws Exception {
    Path home = Distribution.home();
    assertThat(sourcedLauncher(home, Map.of(), "sx_jvm_defaults embedded; echo $SX_JVM_DEFAULTS")).contains("-Xms256m");
    assertThat(sourcedLauncher(home, Map.of(), "sx_jvm_defaults daemon; echo $SX_JVM_DEFAULTS")).contains("-Xms16m");
    assertThat(sourcedLauncher(home, Map.of("JAVA_OPTS", "-Dx=y -Xmx128m"), "sx_jvm_defaults embedded; echo $SX_JVM_DEFAULTS"))
        .contains("-Xms16m").doesNotContain("-Xms256m");
    assertThat(sourcedLauncher(home, Map.of("JAVA_OPTS", "-XX:MaxRAMPercentage=5"), "sx_jvm_defaults embedded; echo $SX_JVM_DEFAULTS"))
        .contains("-Xms16m");
    // The JVM itself takes the options the launcher gives with such a JAVA_OPTS.
    assertThat(sourcedLauncher(home, Map.of("JAVA_OPTS", "-Xmx128m"), "sx_jvm_defaults embedded; java $SX_JVM_DEFAULTS $JAVA_OPTS -version 2>&1 && echo started"))
        .endsWith("started");
  }

  /**
   * Transparent huge pages are asked for where the kernel gives them on request or always, never where it gives none
   * (the JVM would warn at every start); and a JVM started with the defaults on this machine says nothing about them.
   */
  @Test
  void hugePagesAreAskedForOnlyWhereTheKernelOffersThem(@TempDir Path dir) throws Exception {
    Path home = Distribution.home();
    Map<String, String> settings = Map.of("madvise", "always [madvise] never", "always", "[always] madvise never",
        "never", "always madvise [never]", "unreadable", "");
    for (Map.Entry<String, String> setting : settings.entrySet()) {
      Path file = dir.resolve(setting.getKey());
      if (!setting.getValue().isEmpty()) {
        Files.writeString(file, setting.getValue() + "\n");
      }
      String opts = sourcedLauncher(home, Map.of(), "sx_thp_opts \"$1\"; echo \"[$SX_THP_OPTS]\"", file.toString());
      assertThat(opts).as(setting.getKey())
          .isEqualTo(setting.getKey().equals("madvise") || setting.getKey().equals("always") ? "[-XX:+UseTransparentHugePages]" : "[]");
    }
    for (String mode : List.of("daemon", "embedded", "cli")) {
      assertThat(sourcedLauncher(home, Map.of(), "sx_jvm_defaults " + mode + "; java $SX_JVM_DEFAULTS -version 2>&1 && echo started"))
          .as(mode).endsWith("started").doesNotContainIgnoringCase("warning");
    }
  }

  /** In a cgroup limited to 1 GiB (a container, a systemd unit with MemoryMax) the embedded daemon keeps 16 MB. */
  @Test
  void anEmbeddedServersDaemonInACgroupOfOneGibibyteKeepsTheSmallHeap() throws Exception {
    Path v1 = Path.of("/sys/fs/cgroup/memory");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(v1), "needs a writable cgroup v1 memory hierarchy (root)");
    Path cgroup = v1.resolve("sx-launcher-test-" + ProcessHandle.current().pid());
    Files.createDirectory(cgroup);
    try {
      Files.writeString(cgroup.resolve("memory.limit_in_bytes"), Long.toString(1L << 30));
      String defaults = sourcedLauncher(Distribution.home(), Map.of(),
          "echo $$ > " + cgroup.resolve("cgroup.procs") + " && sx_jvm_defaults embedded && echo $SX_JVM_DEFAULTS");
      assertThat(defaults).contains("-Xms16m").doesNotContain("-Xms256m");
    } finally {
      Files.delete(cgroup); // empty again: the shell that joined it has exited
    }
  }

  private static String guess(Path home, Map<String, String> env, String... args) {
    return sourcedLauncher(home, env, "if sx_embedded_server \"$@\"; then echo embedded; else echo worker only; fi", args);
  }

  /** The classes an archive holds, as the JVM lists them with the launcher's class path. */
  private static String archivedClasses(Path home, Path archive) {
    return sourcedLauncher(home, Map.of(),
        "sx_classpath && exec java -XX:SharedArchiveFile=\"$1\" -XX:+PrintSharedArchiveAndExit -cp \"$SX_CLASSPATH\"", archive.toString());
  }

  private static String train(Path home, String... mode) {
    return trainedArchiveOption(home, Map.of(), mode);
  }
}
