package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command on a fresh checkout: the launcher builds the distribution itself (its own Maven
 * command line, which differs from CI's {@code mvn verify}: it skips compiling tests) and then runs. The rest of the
 * suite starts a distribution CI built, so only this test sees the launcher's build (it once failed on a fresh clone
 * while CI stayed green).
 */
@Tag("slow")
class LauncherFirstRunEndToEndTest {
  private static final Path HOME = Distribution.home();

  @Test
  void aFreshCheckoutBuildsItselfOnTheFirstCommandAndNotAgainOnTheNext(@TempDir Path dir) throws Exception {
    Path checkout = dir.resolve("checkout");
    copyCheckout(checkout);

    Run first = launch(checkout, "--version");
    assertThat(first.exit()).as("first command, output:%n%s", first.output()).isZero();
    assertThat(first.output()).contains("building the distribution").contains("schedulerx-worker ");
    Path target = checkout.resolve("worker-daemon/target");
    try (Stream<Path> built = Files.list(target)) {
      assertThat(built.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("schedulerx-worker-daemon-") && n.endsWith(".jar"));
    }
    assertThat(target.resolve("lib")).isDirectory();
    assertThat(target.resolve("lib-server")).isDirectory();

    Run second = launch(checkout, "--version");
    assertThat(second.exit()).isZero();
    assertThat(second.output()).contains("schedulerx-worker ").doesNotContain("building the distribution");
  }

  private record Run(int exit, String output) {}

  private static Run launch(Path checkout, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(checkout.resolve("bin/schedulerx-worker").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(checkout.toFile()).redirectErrorStream(true);
    pb.environment().remove("SCHEDULERX_SKIP_BUILD");
    pb.environment().remove("JAVA_OPTS");
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes(); // the build's messages and the command's output; ends with the process
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("launcher finished").isTrue();
    String output = new String(out, StandardCharsets.UTF_8);
    Path buildLog = checkout.resolve("worker-daemon/target/build.log");
    if (p.exitValue() != 0 && Files.exists(buildLog)) {
      output += "\n--- build.log ---\n" + Distribution.readQuietly(buildLog);
    }
    return new Run(p.exitValue(), output);
  }

  /** The files a clone of this working tree holds (tracked and untracked, not ignored), without any build output. */
  private static void copyCheckout(Path to) throws IOException, InterruptedException {
    Process ls = new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        .directory(HOME.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String listing = new String(ls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ls.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(ls.exitValue()).as("git ls-files in %s", HOME).isZero();
    for (String name : listing.split("\0")) {
      Path source = HOME.resolve(name);
      if (name.isEmpty() || !Files.isRegularFile(source)) {
        continue; // deleted in the working tree
      }
      Path copy = to.resolve(name);
      Files.createDirectories(copy.getParent());
      Files.copy(source, copy, StandardCopyOption.COPY_ATTRIBUTES);
    }
  }
}
