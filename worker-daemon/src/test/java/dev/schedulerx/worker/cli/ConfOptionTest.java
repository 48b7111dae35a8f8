package dev.schedulerx.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --conf} is read wherever it stands: before the subcommand or after it. */
class ConfOptionTest {
  private static Path confOf(String... args) {
    CommandLine cl = WorkerCommand.commandLine();
    cl.parseArgs(args);
    return ((WorkerCommand) cl.getCommand()).conf;
  }

  @Test
  void beforeOrAfterTheSubcommand() {
    assertThat(confOf("--conf", "/etc/sx/a.conf", "run", "hello")).isEqualTo(Path.of("/etc/sx/a.conf"));
    assertThat(confOf("run", "hello", "--conf", "/etc/sx/b.conf")).isEqualTo(Path.of("/etc/sx/b.conf"));
    assertThat(confOf("jobs", "-c", "/etc/sx/c.conf", "--json")).isEqualTo(Path.of("/etc/sx/c.conf"));
    assertThat(confOf("--conf", "/etc/sx/d.conf")).isEqualTo(Path.of("/etc/sx/d.conf"));
  }

  @Test
  void theDefaultIsTheDistributionsConfig() {
    assertThat(confOf("jobs").toString()).endsWith("conf/worker.conf");
  }
}
