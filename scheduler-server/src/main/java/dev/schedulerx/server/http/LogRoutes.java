package dev.schedulerx.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.server.store.LogRepository;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-instance logs: workers {@code POST /api/v1/instances/{id}/logs} the lines their processors logged for
 * the instance; the CLI and the console read them with {@code GET /api/v1/instances/{id}/logs?after=&limit=}
 * → {@code {lines:[{seq, time, worker, taskId, level, logger, message}], next}}, where {@code next} is the
 * {@code after} of the following call (the last seq returned, or the given {@code after} when there was none).
 * Both sit under {@code /api/v1}, so they need the API token when one is set.
 */
final class LogRoutes {
  /** Lines one POST may carry. */
  static final int MAX_LINES_PER_POST = 1000;
  static final int DEFAULT_LIMIT = 500;
  static final int MAX_LIMIT = 5000;

  /** One shipped batch: the worker that logged the lines, then the lines in the order they were logged. */
  record Batch(String worker, List<Line> lines) {}

  record Line(Instant time, long taskId, String level, String logger, String message) {}

  private final LogRepository logs;
  private final ObjectMapper json;

  LogRoutes(LogRepository logs, ObjectMapper json) {
    this.logs = logs;
    this.json = json;
  }

  void register(Javalin app) {
    app.post("/api/v1/instances/{id}/logs", this::append);
    app.get("/api/v1/instances/{id}/logs", this::read);
  }

  private void append(Context ctx) throws java.io.IOException {
    long id = ctx.pathParamAsClass("id", Long.class).get();
    Batch batch = json.readValue(ctx.body(), Batch.class);
    if (batch == null || batch.worker() == null || batch.worker().isBlank()) {
      throw new IllegalArgumentException("field \"worker\" is required");
    }
    List<Line> lines = batch.lines() == null ? List.of() : batch.lines();
    if (lines.size() > MAX_LINES_PER_POST) {
      throw new IllegalArgumentException(lines.size() + " lines in one request, at most " + MAX_LINES_PER_POST + " are allowed");
    }
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i) == null || lines.get(i).time() == null) {
        throw new IllegalArgumentException("field \"lines.[" + i + "].time\" is required");
      }
    }
    List<LogRepository.NewLine> newLines =
        lines.stream().map(l -> new LogRepository.NewLine(l.time(), l.taskId(), l.level(), l.logger(), l.message())).toList();
    if (!logs.append(id, batch.worker(), newLines)) {
      throw new NotFoundResponse("no instance " + id);
    }
    ctx.json(Map.of("stored", newLines.size()));
  }

  private void read(Context ctx) {
    long id = ctx.pathParamAsClass("id", Long.class).get();
    long after = ctx.queryParamAsClass("after", Long.class).check(a -> a >= 0, "must not be negative").getOrDefault(0L);
    int limit =
        ctx.queryParamAsClass("limit", Integer.class)
            .check(l -> l >= 1 && l <= MAX_LIMIT, "must be between 1 and " + MAX_LIMIT)
            .getOrDefault(DEFAULT_LIMIT);
    List<LogRepository.LogLine> lines = logs.after(id, after, limit);
    if (lines.isEmpty() && !logs.exists(id)) {
      throw new NotFoundResponse("no instance " + id);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("lines", lines);
    body.put("next", lines.isEmpty() ? after : lines.get(lines.size() - 1).seq());
    ctx.json(body);
  }
}
