package dev.schedulerx.worker.script;

import static dev.schedulerx.worker.script.ScriptJobs.context;
import static dev.schedulerx.worker.script.ScriptJobs.run;
import static dev.schedulerx.worker.script.ScriptJobs.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schedulerx.api.InstanceStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptProcessorTest {
  @TempDir Path dir;

  private ScriptProcessor shell(ScriptSettings settings) {
    return new ScriptProcessor(ScriptCommand.SHELL, settings, Map.of("PATH", System.getenv("PATH")));
  }

  @Test
  void outputLinesOfStdoutAndStderrGoToTheInstanceLogAndExitZeroIsSuccess() throws Exception {
    var run = run(shell(settings(dir)), context("shell", "echo one; echo two >&2; echo \"args [$0] [$1]\"", "", "a b", ""));

    assertThat(run.result().status()).isEqualTo(InstanceStatus.SUCCESS);
    assertThat(run.result().result()).isEmpty(); // as the official worker: no result on success
    assertThat(run.output()).containsExactly("one", "two", "args [a] [b]");
    assertThat(run.daemonLines()).anyMatch(l -> l.matches("shell script pid \\d+ exited with code 0 after \\d+ ms"));
  }

  @Test
  void nonZeroExitFailsWithTheOutputsLastLine() throws Exception {
    var run = run(shell(settings(dir)), context("shell", "echo working; echo 'disk full on /data' >&2; exit 3", "", "", ""));

    assertThat(run.result().status()).isEqualTo(InstanceStatus.FAILED);
    assertThat(run.result().result()).isEqualTo("disk full on /data");
    assertThat(run.daemonLines()).anyMatch(l -> l.contains("exited with code 3"));
  }

  @Test
  void aFailureWithoutOutputNamesTheExitCode() throws Exception {
    var run = run(shell(settings(dir)), context("shell", "exit 4", "", "", ""));

    assertThat(run.result().status()).isEqualTo(InstanceStatus.FAILED);
    assertThat(run.result().result()).isEqualTo("exit code 4");
  }

  @Test
  void theLastLineIsCutToTheOfficialThousandBytes() throws Exception {
    var run = run(shell(settings(dir)), context("shell", "printf 'x%.0s' $(seq 1 3000); echo; exit 1", "", "", ""));

    assertThat(run.result().result()).hasSize(1000).matches("x+");
  }

  @Test
  void placeholdersBecomeTheScheduleTimeAndTheRunsParametersWinOverTheJobs() throws Exception {
    var run = run(shell(settings(dir)),
        context("shell", "echo \"#{schedule.timestamp} #{data.timestamp} #{other}\"; echo \"$0 $1\"", "", "job params", "run params"));

    long millis = ScriptJobs.SCHEDULED.toEpochMilli();
    assertThat(run.output()).containsExactly(millis + " " + millis + " #{other}", "run params");
  }

  @Test
  void pythonRunsItsSourceFromAFileThatIsRemovedAfterwards() throws Exception {
    ScriptProcessor python = new ScriptProcessor(ScriptCommand.PYTHON, settings(dir), Map.of("PATH", System.getenv("PATH")));
    var run = run(python, context("python", "import sys\nprint('py', sys.argv[1:])\nsys.exit(2 if sys.argv[1] == 'x' else 0)",
        "{\"command\":\"python3\"}", "", "x y"));

    assertThat(run.output()).containsExactly("py ['x', 'y']");
    assertThat(run.result().status()).isEqualTo(InstanceStatus.FAILED);
    assertThat(run.result().result()).isEqualTo("py ['x', 'y']");
    try (var files = Files.list(dir.resolve("python"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void theDaemonsEnvironmentReachesAScriptOnlyThroughThePassThroughList() throws Exception {
    ScriptSettings s = new ScriptSettings(true, List.of("/bin/sh"), dir, List.of("PATH", "LANG"), Map.of("GREETING", "hi"),
        1 << 20, Duration.ofSeconds(1), new ScriptSettings.Http(false, java.util.Set.of()));
    Map<String, String> daemonEnv = Map.of("PATH", System.getenv("PATH"), "SCHEDULERX_API_TOKEN", "s3cret-token", "AWS_SECRET_ACCESS_KEY", "abc");
    var context = context("shell", "env | sort", "", "", "");
    var run = run(new ScriptProcessor(ScriptCommand.SHELL, s, daemonEnv), context);

    assertThat(run.output()).contains("PATH=" + System.getenv("PATH"), "GREETING=hi",
        "SCHEDULERX_JOB_INSTANCE_ID=" + context.jobInstanceId(), "SCHEDULERX_JOB_ID=42");
    assertThat(String.join("\n", run.output())).doesNotContain("s3cret-token", "AWS_SECRET", "HOME=");
    assertThat(run.output()).noneMatch(l -> l.startsWith("LANG=")); // passed through only when the daemon has it
  }

  @Test
  void aDisabledDaemonRefusesNamingTheSettingAndRunsNothing() throws Exception {
    ScriptSettings off = new ScriptSettings(false, List.of("/bin/sh"), dir.resolve("never"), List.of(), Map.of(), 1 << 20,
        Duration.ofSeconds(1), new ScriptSettings.Http(false, java.util.Set.of()));
    var run = run(shell(off), context("shell", "touch " + dir.resolve("ran"), "", "", ""));

    assertThat(run.result().status()).isEqualTo(InstanceStatus.FAILED);
    assertThat(run.result().result()).isEqualTo(
        "script jobs are disabled on worker 127.0.0.1:1: set schedulerx.worker.scripts.enabled = true in its conf/worker.conf");
    assertThat(dir.resolve("ran")).doesNotExist();
    assertThat(dir.resolve("never")).doesNotExist();
  }

  @Test
  void anInterpreterOutsideTheListIsRefused() throws Exception {
    var run = run(shell(settings(dir)), context("shell", "echo hi", "{\"command\":\"/usr/bin/perl\"}", "", ""));

    assertThat(run.result().status()).isEqualTo(InstanceStatus.FAILED);
    assertThat(run.result().result()).isEqualTo(
        "interpreter /usr/bin/perl is not allowed on worker 127.0.0.1:1: add it to schedulerx.worker.scripts.interpreters");
    assertThat(run.output()).isEmpty();
  }

  @Test
  void aMissingInterpreterFailsWithTheReason() throws Exception {
    ScriptSettings s = new ScriptSettings(true, List.of("no-such-shell"), dir, List.of("PATH"), Map.of(), 1 << 20,
        Duration.ofSeconds(1), new ScriptSettings.Http(false, java.util.Set.of()));
    var run = run(shell(s), context("shell", "echo hi", "{\"command\":\"no-such-shell\"}", "", ""));

    assertThat(run.result().status()).isEqualTo(InstanceStatus.FAILED);
    assertThat(run.result().result()).startsWith("cannot start no-such-shell: ");
  }

  @Test
  void anInterruptStopsTheWholeTreeAndNoProcessIsLeft() throws Exception {
    var running = ScriptJobs.start(shell(settings(dir)),
        context("shell", "echo \"me $$\"; sleep 300 & echo \"child $!\"; wait", "", "", ""));
    List<Long> pids = awaitPids(running, 2);

    running.thread().interrupt();
    var run = running.await();

    assertThat(run.result().result()).isEqualTo("killed");
    assertThat(pids).allSatisfy(pid -> assertThat(alive(pid)).as("pid %d", pid).isFalse());
    assertThat(run.daemonLines()).anyMatch(l -> l.matches("shell script pid \\d+ stopped"));
  }

  @Test
  void processesIgnoringSigtermAreKilledAfterTheGracePeriod() throws Exception {
    String script = "trap '' TERM; echo \"me $$\"; "
        + "sh -c 'trap \"\" TERM; echo \"grandchild $$\"; while :; do sleep 0.1; done' & "
        + "while :; do sleep 0.1; done";
    var running = ScriptJobs.start(shell(settings(dir)), context("shell", script, "", "", ""));
    List<Long> pids = awaitPids(running, 2);

    long interrupted = System.nanoTime();
    running.thread().interrupt();
    var run = running.await();

    assertThat(Duration.ofNanos(System.nanoTime() - interrupted)).isGreaterThanOrEqualTo(Duration.ofMillis(500)); // the grace
    assertThat(run.result().result()).isEqualTo("killed");
    assertThat(pids).allSatisfy(pid -> assertThat(alive(pid)).as("pid %d", pid).isFalse());
    assertThat(run.daemonLines()).anyMatch(l -> l.matches("shell script pid \\d+ stopped: \\d+ process\\(es\\) ignored SIGTERM and got SIGKILL after 500 ms"));
  }

  @Test
  void a100MegabyteOutputIsCutAtTheCapWithoutBeingKept() throws Exception {
    ScriptSettings s = new ScriptSettings(true, List.of("/bin/sh"), dir, List.of("PATH"), Map.of(), 64 * 1024,
        Duration.ofSeconds(1), new ScriptSettings.Http(false, java.util.Set.of()));
    // 100 MB in 100-byte lines, then one 10 MB line without any line break, then the line the result keeps
    String script = "yes 012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678"
        + " | head -c 100000000; head -c 10000000 /dev/zero | tr '\\0' x; echo; echo last words; exit 9";
    var run = run(shell(s), context("shell", script, "", "", ""));

    assertThat(run.result().result()).isEqualTo("last words");
    long logged = run.output().stream().mapToLong(l -> l.length() + 1).sum();
    assertThat(logged).isLessThanOrEqualTo(64 * 1024);
    assertThat(run.output()).hasSize(64 * 1024 / 100);
    assertThat(run.daemonLines()).anyMatch(l -> l.matches(
        "output beyond schedulerx.worker.scripts.output-cap \\(65536 bytes\\) not kept: " + (110_000_012 - 65_500) + " bytes dropped"));
  }

  @Test
  void aLongLineIsCutInTheLog() throws Exception {
    var run = run(shell(settings(dir)), context("shell", "head -c 20000 /dev/zero | tr '\\0' y; echo", "", "", ""));

    assertThat(run.output()).singleElement().satisfies(line ->
        assertThat(line).isEqualTo("y".repeat(OutputLines.MAX_LINE_BYTES) + " [line cut at 8192 bytes]"));
  }

  private static List<Long> awaitPids(ScriptJobs.Running running, int count) {
    Pattern pid = Pattern.compile("\\w+ (\\d+)");
    return await().atMost(Duration.ofSeconds(10)).until(() -> running.outputSoFar().stream()
        .map(pid::matcher).filter(Matcher::matches).map(m -> Long.parseLong(m.group(1))).toList(), l -> l.size() >= count);
  }

  /** Alive and not a zombie waiting for a parent that does not reap (PID 1 of a container may not). */
  static boolean alive(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (java.io.IOException e) {
      return false; // gone meanwhile
    }
  }
}
