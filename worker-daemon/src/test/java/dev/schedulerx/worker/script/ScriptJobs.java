package dev.schedulerx.worker.script;

import ch.qos.logback.classic.Level;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.worker.task.InstanceSpec;
import dev.schedulerx.worker.task.TaskBodyCodec;
import dev.schedulerx.worker.task.TaskContext;
import dev.schedulerx.worker.task.TaskSpec;
import dev.schedulerx.worker.testing.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.MDC;

/** What the script and HTTP processor tests share: contexts of made-up instances and a run with its log lines. */
final class ScriptJobs {
  static final Instant SCHEDULED = Instant.ofEpochMilli(1_764_000_000_123L);
  private static final AtomicLong IDS = new AtomicLong(70_000);

  private ScriptJobs() {}

  static ScriptSettings settings(Path workDir) {
    return new ScriptSettings(true, List.of("/bin/sh", "sh", "bash", "python", "python3"), workDir,
        List.of("PATH"), Map.of(), 1 << 20, Duration.ofMillis(500), new ScriptSettings.Http(true, Set.of()));
  }

  static TaskContext context(String jobType, String content, String xattrs, String jobParameters, String instanceParameters) {
    long id = IDS.incrementAndGet();
    InstanceSpec spec = new InstanceSpec(42, id, "job-" + id, "g", "standalone", BuiltInProcessors.nameOf(jobType), jobParameters,
        instanceParameters, SCHEDULED, SCHEDULED, 0, 0, "tester", xattrs, List.of("w@127.0.0.1:1"), jobType, content,
        dev.schedulerx.worker.task.WorkflowView.NONE, 0);
    return new TaskContext(spec, TaskSpec.standalone(), "127.0.0.1:1", Map.of(), Map.of(), new TaskBodyCodec(), null);
  }

  /** A finished (or interrupted) run: its result and the lines logged for its instance. */
  record Run(ProcessResult result, List<String> output, List<String> daemonLines) {}

  /** Runs {@code processor} on its own thread, as the container pool would, with the ids in the MDC. */
  static Running start(dev.schedulerx.api.JobProcessor processor, TaskContext context) {
    LogCapture output = LogCapture.of(ScriptProcessor.OUTPUT_LOGGER);
    LogCapture daemon = LogCapture.of(ScriptProcessor.class);
    CompletableFuture<ProcessResult> result = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      MDC.put("instanceId", Long.toString(context.jobInstanceId()));
      try {
        result.complete(processor.process(context));
      } catch (Throwable t) {
        result.completeExceptionally(t);
      } finally {
        MDC.clear();
      }
    }, "test-run-" + context.jobInstanceId());
    thread.start();
    return new Running(context, thread, result, output, daemon);
  }

  static Run run(dev.schedulerx.api.JobProcessor processor, TaskContext context) throws Exception {
    return start(processor, context).await();
  }

  record Running(TaskContext context, Thread thread, CompletableFuture<ProcessResult> result, LogCapture output, LogCapture daemon) {
    Run await() throws Exception {
      try {
        ProcessResult r = result.get(30, java.util.concurrent.TimeUnit.SECONDS);
        return new Run(r, lines(output), lines(daemon));
      } finally {
        output.close();
        daemon.close();
      }
    }

    /** Lines of this instance logged so far. */
    List<String> outputSoFar() {
      return lines(output);
    }

    private List<String> lines(LogCapture capture) {
      String id = Long.toString(context.jobInstanceId());
      return capture.events(Level.INFO).stream()
          .filter(e -> id.equals(e.getMDCPropertyMap().get("instanceId")))
          .map(e -> e.getFormattedMessage())
          .toList();
    }
  }
}
