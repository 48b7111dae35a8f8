package dev.schedulerx.worker.script;

import static java.util.Objects.requireNonNull;

import dev.schedulerx.api.BroadcastProcessor;
import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.ProcessResult;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs shell, python and go jobs (one instance per type, serving every task of the daemon). Each run is a
 * child process started from a clean environment (only {@link ScriptSettings#envPassthrough()} of the
 * daemon's, plus {@link ScriptSettings#env()} and the job's ids), in {@link ScriptSettings#workDir()}, with
 * stdin from /dev/null and stderr merged into stdout as the official worker does. Every output line goes to
 * the instance log (logger {@value #OUTPUT_LOGGER}) up to {@link ScriptSettings#outputCap()}.
 *
 * <p>Exit code 0 is SUCCESS with an empty result; any other is FAILED with the output's last line (first 1,000
 * bytes), or {@code exit code N} when the script printed nothing. An interrupt of the running task (kill,
 * timeout, the master destroying the instance, the daemon stopping) stops the whole process tree: SIGTERM,
 * then SIGKILL after {@link ScriptSettings#killGrace()}.
 */
final class ScriptProcessor implements BroadcastProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(ScriptProcessor.class);
  static final String OUTPUT_LOGGER = "script";
  private static final Logger OUTPUT = LoggerFactory.getLogger(OUTPUT_LOGGER);

  private final String type;
  private final ScriptSettings settings;
  private final Map<String, String> daemonEnv;

  /**
   * @param type shell, python or go
   * @param daemonEnv the daemon's environment, of which only the pass-through names reach a script
   */
  ScriptProcessor(String type, ScriptSettings settings, Map<String, String> daemonEnv) {
    this.type = requireNonNull(type, "type");
    this.settings = requireNonNull(settings, "settings");
    this.daemonEnv = Map.copyOf(daemonEnv);
  }

  @Override
  public String name() {
    return BuiltInProcessors.nameOf(type);
  }

  @Override
  public ProcessResult process(JobContext context) throws Exception {
    if (!settings.enabled()) {
      LOG.info("{} job refused: script jobs are disabled", type);
      return ProcessResult.failure(
          "script jobs are disabled on worker " + context.workerAddr() + ": set " + ScriptSettings.ENABLED_KEY + " = true in its conf/worker.conf");
    }
    JobSource job = JobSource.of(context);
    ScriptCommand command = ScriptCommand.of(type, job.content(), job.xattrs(), context);
    for (String program : command.prefix().isEmpty() ? List.of(command.interpreter()) : List.of(command.prefix().get(0), command.interpreter())) {
      if (!settings.interpreters().contains(program)) {
        LOG.info("{} job refused: interpreter {} is not allowed", type, program);
        return ProcessResult.failure("interpreter " + program + " is not allowed on worker " + context.workerAddr()
            + ": add it to schedulerx.worker.scripts.interpreters");
      }
    }
    Path workDir = settings.workDir();
    Files.createDirectories(workDir);
    Path file = null;
    try {
      if (command.needsFile()) {
        Path dir = Files.createDirectories(workDir.resolve(type));
        file = dir.resolve(type + "_" + context.jobId() + "_" + context.jobInstanceId() + "_" + context.taskId() + command.fileSuffix());
        Files.writeString(file, command.source(), StandardCharsets.UTF_8);
      }
      return run(command, file, context);
    } finally {
      if (file != null) {
        Files.deleteIfExists(file);
      }
    }
  }

  private ProcessResult run(ScriptCommand command, Path file, JobContext context) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command.commandLine(file == null ? null : file.toString()))
        .directory(settings.workDir().toFile())
        .redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    environment(builder.environment(), context);
    long started = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      LOG.info("{} job could not start {}: {}", type, command.interpreter(), e.getMessage());
      return ProcessResult.failure("cannot start " + command.interpreter() + ": " + e.getMessage());
    }
    LOG.info("{} script started as pid {} ({})", type, process.pid(), command.interpreter());
    OutputLines output = new OutputLines(settings.outputCap(), OUTPUT::info);
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    Thread reader = new Thread(() -> {
      if (mdc != null) {
        MDC.setContextMap(mdc);
      }
      try {
        output.readAll(process.getInputStream());
      } catch (IOException e) {
        LOG.debug("output of pid {} ended: {}", process.pid(), e.getMessage());
      } finally {
        MDC.clear();
      }
    }, "script-output-" + context.jobInstanceId() + "-" + context.taskId());
    reader.setDaemon(true);
    reader.start();
    int exit;
    try {
      reader.join(); // as the official worker: the run lasts until the output ends, then until the process exits
      exit = process.waitFor();
    } catch (InterruptedException e) {
      int killed = ProcessTree.stop(process.toHandle(), settings.killGrace());
      joinQuietly(reader, process);
      LOG.info("{} script pid {} stopped{}", type, process.pid(),
          killed > 0 ? ": " + killed + " process(es) ignored SIGTERM and got SIGKILL after " + settings.killGrace().toMillis() + " ms" : "");
      Thread.currentThread().interrupt();
      return ProcessResult.failure("killed");
    }
    if (output.droppedBytes() > 0) {
      LOG.info("output beyond schedulerx.worker.scripts.output-cap ({} bytes) not kept: {} bytes dropped",
          settings.outputCap(), output.droppedBytes());
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    LOG.info("{} script pid {} exited with code {} after {} ms", type, process.pid(), exit, millis);
    if (exit == 0) {
      return ProcessResult.success();
    }
    String last = output.lastLine();
    return ProcessResult.failure(last == null || last.isBlank() ? "exit code " + exit : last);
  }

  private void environment(Map<String, String> env, JobContext context) {
    env.clear();
    for (String name : settings.envPassthrough()) {
      String value = daemonEnv.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.putAll(settings.env());
    env.put("SCHEDULERX_JOB_ID", Long.toString(context.jobId()));
    env.put("SCHEDULERX_JOB_NAME", context.jobName());
    env.put("SCHEDULERX_JOB_INSTANCE_ID", Long.toString(context.jobInstanceId()));
    env.put("SCHEDULERX_TASK_ID", Long.toString(context.taskId()));
    env.put("SCHEDULERX_SCHEDULE_TIMESTAMP", Long.toString(context.scheduleTime().toEpochMilli()));
    env.put("SCHEDULERX_DATA_TIMESTAMP", Long.toString(context.dataTime().toEpochMilli()));
    env.put("SCHEDULERX_ATTEMPT", Integer.toString(context.attempt()));
  }

  /** After a stop: the output's end, and the script's exit status collected (no zombie of ours left). */
  private void joinQuietly(Thread reader, Process process) {
    try {
      process.waitFor(1, TimeUnit.SECONDS);
      reader.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
