package dev.schedulerx.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What can be checked of the packaging without a Docker engine or systemd (neither runs here): the files the
 * Dockerfile and the units refer to exist in the repository, and the image's build sees every Maven module.
 */
class PackagingTest {
  private static final Path HOME = Distribution.home();

  @Test
  void dockerfileBuildStageCopiesEveryModuleTheReactorNeeds() throws IOException {
    String dockerfile = Files.readString(HOME.resolve("Dockerfile"));
    List<String> copied = new ArrayList<>();
    Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(\\S+) (\\S+)$").matcher(dockerfile);
    while (copy.find()) {
      copied.add(copy.group(1));
    }
    List<String> modules = new ArrayList<>();
    Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(HOME.resolve("pom.xml")));
    while (module.find()) {
      modules.add(module.group(1));
    }
    assertAll(
        Stream.concat(
            copied.stream().map(source -> () -> assertTrue(Files.exists(HOME.resolve(source)),
                "Dockerfile copies " + source + ", which does not exist")),
            // Maven reads every module's pom even with -pl, so each one must be in the build context.
            modules.stream().map(name -> () -> assertTrue(
                copied.contains(name) || copied.contains(name + "/pom.xml"),
                "Dockerfile does not copy module " + name + " (or at least its pom.xml)"))));
  }

  @Test
  void dockerImageRunsTheLauncherTheTestsStartAndChecksHealth() throws IOException {
    String dockerfile = Files.readString(HOME.resolve("Dockerfile"));
    Matcher entry = Pattern.compile("(?m)^ENTRYPOINT \\[\"/opt/schedulerx/(bin/[^\"]+)\"").matcher(dockerfile);
    assertTrue(entry.find(), "ENTRYPOINT is not a launcher under /opt/schedulerx/bin");
    assertTrue(Files.isExecutable(HOME.resolve(entry.group(1))), entry.group(1) + " is not executable");
    assertTrue(dockerfile.contains("\nUSER schedulerx"), "the image must run as the non-root user schedulerx");
  }

  /** The daemons skip Pekko's start-up check of mixed versions (MergedReference): the build makes it here instead. */
  @Test
  void theDistributionCarriesOnePekkoVersion() throws IOException {
    List<String> versions = new ArrayList<>();
    for (String dir : List.of("worker-daemon/target/lib", "worker-daemon/target/lib-server")) {
      try (Stream<Path> jars = Files.list(HOME.resolve(dir))) {
        jars.map(j -> j.getFileName().toString()).filter(n -> n.startsWith("pekko-"))
            .forEach(n -> versions.add(n.replaceFirst("^pekko-[a-z0-9-]+_2\\.13-(.+)\\.jar$", "$1")));
      }
    }
    assertTrue(versions.size() >= 4, "Pekko JARs found: " + versions);
    assertTrue(versions.stream().distinct().count() == 1, "Pekko JARs of several versions in the distribution: " + versions);
  }

  @ParameterizedTest
  @ValueSource(strings = {"schedulerx-worker", "schedulerx-server"})
  void systemdUnitStartsAnExistingLauncherWithItsConfig(String name) throws IOException {
    String unit = Files.readString(HOME.resolve("packaging/systemd/" + name + ".service"));
    Matcher exec = Pattern.compile("(?m)^ExecStart=/opt/schedulerx/(bin/\\S+) --conf /etc/schedulerx/(\\S+)$")
        .matcher(unit);
    assertTrue(exec.find(), name + ".service: ExecStart is not '/opt/schedulerx/bin/… --conf /etc/schedulerx/…'");
    assertTrue(Files.isExecutable(HOME.resolve(exec.group(1))), exec.group(1) + " is not executable");
    assertTrue(Files.exists(HOME.resolve("conf").resolve(exec.group(2))),
        "conf/" + exec.group(2) + " (the file to install as /etc/schedulerx/" + exec.group(2) + ") is missing");
    // Exit code 2 is a configuration error: restarting cannot fix it.
    assertTrue(unit.contains("\nRestartPreventExitStatus=2"), name + ".service restarts on config errors");
    assertTrue(unit.contains("\nUser=schedulerx"), name + ".service must not run as root");
    // The journal keeps the console's lines: a log file as well would write each line twice.
    assertTrue(unit.contains("\nEnvironment=SCHEDULERX_LOG_APPENDER=CONSOLE\n"),
        name + ".service logs to a file besides the journal");
  }
}
