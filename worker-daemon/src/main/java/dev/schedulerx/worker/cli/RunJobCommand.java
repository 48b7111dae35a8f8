package dev.schedulerx.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.worker.client.ServerApiClient;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code run JOB [--params P] [--wait]}: triggers an instance now; with --wait follows it to the end. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Trigger a job now. With --wait, follow the instance and exit 0 on SUCCESS, 1 otherwise.")
final class RunJobCommand extends ClientCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "JOB", description = "Job name")
  String job;

  @Option(names = "--params", description = "Instance parameters passed to the processor")
  String params = "";

  @Option(names = "--wait", description = "Wait for the instance to finish and print its outcome")
  boolean waitForEnd;

  @Option(names = "--timeout", description = "Give up waiting after this long (ISO-8601 or e.g. 10m). Default: ${DEFAULT-VALUE}", defaultValue = "30m")
  String timeout;

  @Override
  public Integer call() {
    ServerApiClient api = api();
    long id = api.trigger(job, params);
    if (!waitForEnd) {
      if (json) {
        printJson(java.util.Map.of("instanceId", id, "job", job));
      } else {
        out().println("instance " + id + " of job " + job + " triggered");
      }
      return WorkerCommand.OK;
    }
    if (!json) {
      out().println("instance " + id + " of job " + job + " triggered");
      out().flush();
    }
    // a live bar only for a person at a terminal; piped output stays one line per change
    Follower follower = json ? new Silent() : WorkerCommand.stdoutIsTerminal() ? new LiveBar() : new Lines();
    Instant deadline = Instant.now().plus(parseDuration(timeout));
    while (Instant.now().isBefore(deadline)) {
      JsonNode instance = api.instance(id);
      String state = instance.path("state").asText();
      follower.show(instance);
      if (isFinished(state)) {
        follower.end();
        java.util.OptionalLong retry = "FAILED".equals(state) ? awaitRetry(api, instance, deadline) : java.util.OptionalLong.empty();
        if (retry.isPresent()) {
          if (!json) {
            out().println("FAILED " + id + " " + instance.path("result").asText("") + "; retried as instance "
                + retry.getAsLong() + " (attempt " + (instance.path("attempt").asInt() + 1) + ")");
            out().flush();
          }
          id = retry.getAsLong();
          continue;
        }
        if (json) {
          printJson(instance);
        } else {
          out().println(state + " " + id + " " + instance.path("result").asText(""));
        }
        return "SUCCESS".equals(state) ? WorkerCommand.OK : WorkerCommand.FAILED;
      }
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // polling the server, not synchronising a test
    }
    follower.end();
    err().println("error: instance " + id + " did not finish within " + timeout);
    return WorkerCommand.FAILED;
  }

  /**
   * The next attempt of a failed run, when the job retries it ({@code maxAttempt}): waits for the server to create
   * it, up to the job's attempt interval and a margin. Empty when the job gives the run no further attempt.
   */
  private java.util.OptionalLong awaitRetry(ServerApiClient api, JsonNode failed, Instant deadline) {
    JsonNode spec = api.job(job).path("spec");
    int attempt = failed.path("attempt").asInt();
    if (attempt >= spec.path("maxAttempt").asInt()) {
      return java.util.OptionalLong.empty();
    }
    String slot = failed.path("scheduleTime").asText();
    Instant until = Instant.now().plusSeconds(spec.path("attemptInterval").asLong() + 30);
    until = until.isBefore(deadline) ? until : deadline;
    while (Instant.now().isBefore(until)) {
      for (JsonNode run : api.jobInstances(job, 20)) {
        if (run.path("scheduleTime").asText().equals(slot) && run.path("attempt").asInt() == attempt + 1) {
          return java.util.OptionalLong.of(run.path("id").asLong());
        }
      }
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // polling the server, not synchronising a test
    }
    return java.util.OptionalLong.empty();
  }

  /** How the instance's progress is shown while waiting. */
  private interface Follower {
    void show(JsonNode instance);

    default void end() {}
  }

  /** --json: nothing until the final document. */
  private static final class Silent implements Follower {
    @Override
    public void show(JsonNode instance) {}
  }

  /** Piped: one line whenever the state or progress changes (scripts and tests read these). */
  private final class Lines implements Follower {
    private String lastLine = "";

    @Override
    public void show(JsonNode instance) {
      String line = progressLine(instance);
      if (!line.equals(lastLine)) {
        out().println(line);
        out().flush();
        lastLine = line;
      }
    }
  }

  /** Terminal: state changes as lines, sub-task progress as one bar redrawn in place. */
  private final class LiveBar implements Follower {
    private final Lines lines = new Lines();
    private ProgressBar.Snapshot first;
    private int drawnLength;

    @Override
    public void show(JsonNode instance) {
      ProgressBar.Snapshot now = ProgressBar.snapshot(instance.path("progress").asText(""), System.currentTimeMillis());
      if (now == null) {
        end();
        lines.show(instance);
        return;
      }
      first = first == null ? now : first;
      String bar = "  " + ProgressBar.render(first, now);
      out().print("\r" + bar + " ".repeat(Math.max(0, drawnLength - bar.length())));
      out().flush();
      drawnLength = bar.length();
    }

    @Override
    public void end() {
      if (drawnLength > 0) {
        out().println();
        drawnLength = 0;
      }
    }
  }

  private static String progressLine(JsonNode instance) {
    String worker = instance.path("workerId").asText("");
    return "  " + instance.path("state").asText() + (worker.isEmpty() ? "" : " on " + worker) + progressSummary(instance.path("progress").asText(""));
  }

  /** SchedulerX progress JSON as one line: "sub-tasks: 1001 total, 12 running, 980 succeeded, 1 failed, on 3 workers". */
  static String progressSummary(String progressJson) {
    if (progressJson.isBlank()) {
      return "";
    }
    JsonNode progress;
    try {
      progress = JSON.readTree(progressJson);
    } catch (java.io.IOException e) {
      return "";
    }
    JsonNode workers = progress.path("workerProgress");
    if (!workers.isArray() || workers.isEmpty()) {
      return "";
    }
    long total = 0;
    long running = 0;
    long success = 0;
    long failed = 0;
    for (JsonNode w : workers) {
      total += w.path("total").asLong();
      running += w.path("running").asLong();
      success += w.path("success").asLong();
      failed += w.path("failed").asLong();
    }
    return ": tasks " + total + " total, " + running + " running, " + success + " succeeded, " + failed + " failed, on "
        + workers.size() + " worker(s)";
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  static boolean isFinished(String state) {
    return switch (state) {
      case "SUCCESS", "FAILED", "KILLED", "SKIPPED", "REMOVED" -> true;
      default -> false;
    };
  }

  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.startsWith("p")) {
      return Duration.parse(text.toUpperCase(java.util.Locale.ROOT));
    }
    long n = Long.parseLong(t.replaceAll("[a-z]+$", ""));
    return switch (t.replaceAll("^[0-9]+", "")) {
      case "ms" -> Duration.ofMillis(n);
      case "s", "" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> throw new IllegalArgumentException("--timeout " + text + ": use e.g. 90s, 10m, 2h");
    };
  }
}
