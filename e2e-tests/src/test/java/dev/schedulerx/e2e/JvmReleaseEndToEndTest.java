package dev.schedulerx.e2e;

import static dev.schedulerx.e2e.Distribution.sourcedLauncher;
import static dev.schedulerx.e2e.Distribution.trainedArchiveOption;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.schedulerx.e2e.Distribution.Daemon;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers on the JVM they find (JAVA_HOME's when it is set, else the PATH's): what its release asks for (JDK 24 and
 * later warn about Pekko's sun.misc.Unsafe calls unless allowed; JDK 25 and later take an AOT cache instead of the CDS
 * archive), a JAVA_HOME or a JVM they cannot run on named in one line, and an archive made by another JVM made again
 * rather than handed to this one. The JDK 25 tests run where one is installed under /usr/lib/jvm (CI's machines have
 * Temurin 25 beside the default JDK 17).
 */
class JvmReleaseEndToEndTest {
  private static final Path JVMS = Path.of("/usr/lib/jvm");

  @Test
  void theLauncherAsksForWhatTheJvmsReleaseNeeds(@TempDir Path dir) throws Exception {
    assertThat(releaseSettings(fakeJdk(dir.resolve("jdk25"), "JAVA_VERSION=\"25.0.3\"")))
        .isEqualTo("25 [--sun-misc-unsafe-memory-access=allow] aot");
    assertThat(releaseSettings(fakeJdk(dir.resolve("jdk24"), "JAVA_VERSION=\"24\""))).isEqualTo("24 [--sun-misc-unsafe-memory-access=allow] jsa");
    assertThat(releaseSettings(fakeJdk(dir.resolve("jdk17"), "IMPLEMENTOR=\"Debian\"\nJAVA_VERSION=\"17.0.15\""))).isEqualTo("17 [] jsa");
    assertThat(releaseSettings(fakeJdk(dir.resolve("unknown"), null))).as("no release file").isEqualTo("0 [] jsa");
  }

  /** busybox's readlink resolves one name at a time: the launchers then look the script and the JVM up apart. */
  @Test
  void theLaunchersWorkWithAReadlinkThatTakesOneNameAtATime(@TempDir Path dir) throws Exception {
    Path readlink = Files.createDirectories(dir.resolve("bin")).resolve("readlink");
    Files.writeString(readlink, """
        #!/bin/bash
        [ "$1" = -f ] && [ $# -eq 2 ] || { echo "usage: readlink -f FILE" >&2; exit 1; }
        exec /usr/bin/readlink -f "$2"
        """);
    Files.setPosixFilePermissions(readlink, PosixFilePermissions.fromString("rwxr-xr-x"));
    Map<String, String> env = Map.of("PATH", readlink.getParent() + ":" + System.getenv("PATH"), "JAVA_HOME", "");

    assertThat(run(env, "", "--version")).matches("schedulerx-worker \\S+");
    assertThat(sourcedLauncher(Distribution.home(), env, "echo \"$sx_self $SX_JAVA\""))
        .isEqualTo(Distribution.home().resolve(Distribution.WORKER).toRealPath() + " " + javaOnPath().toRealPath());
  }

  /** The entry points find bin/launcher.sh beside them: through a symbolic link, and when run by a name without a slash. */
  @Test
  void theEntryPointsRunThroughASymbolicLinkAndFromTheirOwnDirectory(@TempDir Path dir) throws Exception {
    Path bin = Distribution.home().resolve("bin");
    for (String script : List.of("schedulerx-worker", "schedulerx-server")) {
      Files.createSymbolicLink(dir.resolve(script), bin.resolve(script));
      ProcessBuilder linked = Distribution.launcher(dir, script, List.of("--version"), "");
      ProcessBuilder inBin = new ProcessBuilder("bash", script, "--version").directory(bin.toFile());
      inBin.environment().putAll(linked.environment());
      for (ProcessBuilder launcher : List.of(linked, inBin)) {
        Launched launched = launched(launcher);
        assertThat(launched.exitCode()).as(launched.out()).isZero();
        assertThat(launched.out()).matches(script + " \\S+");
      }
    }
  }

  @Test
  void javaHomeNamesTheJvmAsForMavenAndOtherJavaTools(@TempDir Path dir) throws Exception {
    Path fake25 = fakeJdk(dir.resolve("jdk25"), "JAVA_VERSION=\"25.0.3\"").getParent().getParent();
    assertThat(sourcedLauncher(Distribution.home(), Map.of("JAVA_HOME", fake25.toString()), "echo \"$SX_JAVA $SX_JAVA_FEATURE\""))
        .as("over the PATH's java").isEqualTo(fake25.toRealPath().resolve("bin/java") + " 25");

    Path pathJdk = javaOnPath().toRealPath().getParent().getParent();
    assertThat(launch(Map.of("JAVA_HOME", pathJdk.toString()), "", Distribution.WORKER, "--version").out()).matches("schedulerx-worker \\S+");
    assertThat(launch(Map.of("JAVA_HOME", pathJdk.toString()), "", Distribution.SERVER, "--version").out()).matches("schedulerx-server \\S+");

    // A JAVA_HOME without a JVM is not passed over for the PATH's: the operator meant another one.
    for (Path wrong : List.of(dir.resolve("no-such-jdk"), dir)) {
      for (String script : List.of(Distribution.WORKER, Distribution.SERVER)) {
        assertThat(launch(Map.of("JAVA_HOME", wrong.toString()), "", script, "--version")).isEqualTo(new Launched(2,
            "schedulerx: JAVA_HOME=" + wrong + " has no bin/java: set JAVA_HOME to a JDK or JRE 17 or newer, or unset it to use"
                + " the java on the PATH"));
      }
    }

    // A JVM older than 17 would fail on the daemon's class files with a stack trace.
    Path java11 = fakeJdk(dir.resolve("jdk11"), "JAVA_VERSION=\"11.0.22\"");
    String old = java11.toRealPath() + " is Java 11.0.22, and schedulerx needs 17 or newer: ";
    assertThat(launch(Map.of("JAVA_HOME", java11.getParent().getParent().toString()), "", Distribution.WORKER, "--version"))
        .isEqualTo(new Launched(2, "schedulerx: " + old + "set JAVA_HOME (now " + java11.getParent().getParent() + ") to one"));
    assertThat(launch(Map.of("JAVA_HOME", "", "PATH", java11.getParent() + ":" + System.getenv("PATH")), "", Distribution.WORKER, "--version"))
        .isEqualTo(new Launched(2, "schedulerx: " + old + "set JAVA_HOME to one, or put one first on the PATH"));
  }

  @Test
  void anArchiveMadeByAnotherJvmIsNotUsedAndIsMadeAgainAtTheNextDaemonStart() throws Exception {
    Path home = Distribution.home();
    Path archive = home.resolve("worker-daemon/target/schedulerx.jsa");
    Path madeBy = home.resolve("worker-daemon/target/schedulerx.jsa.jvm");
    assumeTrue(sourcedLauncher(home, Map.of(), "echo $SX_CDS_KIND").equals("jsa"), "the PATH's JVM takes a CDS archive");
    assertThat(trainedArchiveOption(home, Map.of())).isEqualTo("-XX:SharedArchiveFile=" + archive);
    String thisJvm = Files.readString(madeBy).strip();
    assertThat(thisJvm).as("the JVM's path and version").matches("/\\S+/bin/java \\d+\\S*");

    Files.writeString(madeBy, "/opt/another-jdk/bin/java 17.0.99\n");
    assertThat(sourcedLauncher(home, Map.of(), "sx_cds_opts && echo \"[$SX_CDS_OPTS]\"")).as("a CLI command, which never trains").isEqualTo("[]");

    assertThat(trainedArchiveOption(home, Map.of())).isEqualTo("-XX:SharedArchiveFile=" + archive);
    assertThat(Files.readString(madeBy).strip()).isEqualTo(thisJvm);
  }

  /**
   * On JDK 25 the launcher makes an AOT cache and the JVMs it starts map it ({@code -XX:AOTMode=on} turns an unusable
   * cache into a failed start); a daemon with its embedded server runs a job there, and neither says a word of warning.
   */
  @Test
  void onJdk25TheLauncherStartsFromAnAotCacheAndTheDaemonRunsJobsWithoutWarnings(@TempDir Path dir) throws Exception {
    Optional<Path> jdk = installedJdk(25);
    assumeTrue(jdk.isPresent(), "no JDK 25 or later under " + JVMS);
    Path home = Distribution.home();
    Map<String, String> onJdk = Map.of("JAVA_HOME", jdk.get().toString()); // the PATH's java stays the default JDK
    Path cache = home.resolve("worker-daemon/target/schedulerx.aot");

    assertThat(trainedArchiveOption(home, onJdk)).as("see worker-daemon/target/cds-training.log")
        .isEqualTo("-XX:AOTCache=" + cache);
    String version = run(onJdk, "-XX:AOTMode=on -Xlog:aot=info", "--version");
    assertThat(version).contains("Opened AOT cache " + cache).contains("schedulerx-worker ").doesNotContain("WARNING");

    Path conf = Files.writeString(dir.resolve("worker.conf"), """
        schedulerx {
          group-id = "jdk25"
          app-key = "jdk25-key"
          plugins-dir = "%s"
          data-dir = "%s"
          server.http-port = %d
          jobs { hello { processor = "HelloWorld", time-type = api } }
        }
        """.formatted(Distribution.pluginsWithExamples(dir), dir.resolve("data"), Distribution.freePort()));
    ProcessBuilder daemonOnJdk = Distribution.launcher(home, Distribution.WORKER, List.of("--conf", conf.toString()), "");
    daemonOnJdk.environment().putAll(onJdk);
    try (Daemon daemon = Daemon.launch(daemonOnJdk, dir.resolve("daemon.log"))) {
      daemon.awaitReady(Duration.ofSeconds(90));
      String run = run(onJdk, "", "--conf", conf.toString(), "run", "hello", "--params", "jdk25", "--wait");
      assertThat(run.strip().lines().reduce((first, last) -> last).orElse("")).matches("SUCCESS \\d+ hello jdk25");
      assertThat(daemon.logText()).contains(": ready (").doesNotContain("WARNING");
    }
  }

  private static Path javaOnPath() {
    return Stream.of(System.getenv("PATH").split(":")).map(d -> Path.of(d, "java")).filter(Files::isExecutable).findFirst()
        .orElseThrow();
  }

  /** The newest JDK of at least {@code feature} installed under /usr/lib/jvm, by its release file. */
  private static Optional<Path> installedJdk(int feature) throws IOException {
    if (!Files.isDirectory(JVMS)) {
      return Optional.empty();
    }
    Pattern version = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");
    try (Stream<Path> homes = Files.list(JVMS)) {
      return homes.filter(h -> Files.isExecutable(h.resolve("bin/java")) && Files.isReadable(h.resolve("release")))
          .filter(h -> {
            try {
              Matcher m = version.matcher(Files.readString(h.resolve("release")));
              return m.find() && Integer.parseInt(m.group(1)) >= feature;
            } catch (IOException e) {
              return false;
            }
          })
          .max(Path::compareTo);
    }
  }

  /** A JDK home whose bin/java does nothing, with {@code release} as its release file (none when null). */
  private static Path fakeJdk(Path home, String release) throws IOException {
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    if (release != null) {
      Files.writeString(home.resolve("release"), release + "\n");
    }
    return java;
  }

  /** What the launcher makes of a JVM: its feature release, the options it adds, the kind of archive it uses. */
  private static String releaseSettings(Path java) throws Exception {
    // sx_paths as the entry points hand it to the launcher: the script's path, then the JVM's.
    String paths = Distribution.home().resolve(Distribution.WORKER) + "\n" + java;
    return sourcedLauncher(Distribution.home(), Map.of("sx_paths", paths), "echo \"$SX_JAVA_FEATURE [$SX_JDK_OPTS] $SX_CDS_KIND\"");
  }

  /** bin/schedulerx-worker with {@code args}, {@code env} added and {@code javaOpts}; its output and errors. */
  private static String run(Map<String, String> env, String javaOpts, String... args) throws Exception {
    return launch(env, javaOpts, Distribution.WORKER, args).out();
  }

  /** A launcher's exit code and its output and errors, stripped. */
  private record Launched(int exitCode, String out) {}

  private static Launched launch(Map<String, String> env, String javaOpts, String script, String... args) throws Exception {
    ProcessBuilder pb = Distribution.launcher(Distribution.home(), script, List.of(args), javaOpts);
    pb.environment().putAll(env);
    return launched(pb);
  }

  private static Launched launched(ProcessBuilder launcher) throws Exception {
    Process p = launcher.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("finished: " + out).isTrue();
    return new Launched(p.exitValue(), out.strip());
  }
}
