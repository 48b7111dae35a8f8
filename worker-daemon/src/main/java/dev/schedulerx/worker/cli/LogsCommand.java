package dev.schedulerx.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.worker.client.ServerApiClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code logs ID [--follow]}: the lines the instance's processors logged, on every worker that ran its tasks,
 * as the server collected them: {@code time level worker task message}.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
    description = "Show what an instance's processors logged, from every worker that ran its tasks. With --follow, keep printing until it has finished.")
final class LogsCommand extends ClientCommand implements Callable<Integer> {
  static final int PAGE = 1000;
  /** Workers send their lines every 0.5 s by default: after the end, wait this long for the last ones. */
  static final Duration SETTLE = Duration.ofSeconds(2);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  @Parameters(index = "0", paramLabel = "INSTANCE_ID")
  long id;

  @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the instance has finished")
  boolean follow;

  @Override
  public Integer call() {
    ServerApiClient api = api();
    long after = printAll(api, 0);
    if (!follow) {
      return WorkerCommand.OK;
    }
    Instant settledAt = null;
    while (settledAt == null || Instant.now().isBefore(settledAt)) {
      if (settledAt == null && RunJobCommand.isFinished(api.instance(id).path("state").asText())) {
        settledAt = Instant.now().plus(SETTLE);
      }
      LockSupport.parkNanos(POLL.toNanos()); // polling the server, not synchronising a test
      after = printAll(api, after);
    }
    return WorkerCommand.OK;
  }

  /** Prints every line after {@code after}; returns the seq to continue from. */
  private long printAll(ServerApiClient api, long after) {
    while (true) {
      JsonNode page = api.logs(id, after, PAGE);
      for (JsonNode line : page.path("lines")) {
        if (json) {
          printJson(line);
        } else {
          out().println(format(line));
        }
      }
      out().flush();
      after = page.path("next").asLong(after);
      if (page.path("lines").size() < PAGE) {
        return after;
      }
    }
  }

  /** {@code 2026-11-25 13:57:37.210 INFO  <worker> task 3  <message>}, the time in this machine's zone. */
  static String format(JsonNode line) {
    String time;
    try {
      time = TIME.format(Instant.parse(line.path("time").asText()));
    } catch (java.time.format.DateTimeParseException e) {
      time = line.path("time").asText();
    }
    return String.format("%s %-5s %s task %s  %s", time, line.path("level").asText(), line.path("worker").asText(),
        line.path("taskId").asText(), line.path("message").asText());
  }
}
