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

  /** Main starts the daemon without picocli for exactly the forms picocli would read as "just the daemon". */
  @Test
  void theDaemonsShortcutTakesTheSameFileAsPicocliAndNothingElse() {
    for (String[] args : new String[][] {{"--conf", "/etc/sx/e.conf"}, {"-c", "/etc/sx/e.conf"}, {"--conf=/etc/sx/e.conf"}, {"-c/etc/sx/e.conf"}}) {
      assertThat(Main.daemonConf(args)).as(String.join(" ", args)).isEqualTo(Path.of("/etc/sx/e.conf")).isEqualTo(confOf(args));
    }
    assertThat(Main.daemonConf(new String[0])).isEqualTo(confOf());
    assertThat(Main.daemonConf(new String[] {"jobs"})).isNull();
    assertThat(Main.daemonConf(new String[] {"--conf", "a.conf", "jobs"})).isNull();
    assertThat(Main.daemonConf(new String[] {"--help"})).isNull();
    assertThat(Main.daemonConf(new String[] {"--version"})).isNull();
    assertThat(Main.daemonConf(new String[] {"-c", "--help"})).isNull();
  }
}
