package dev.schedulerx.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Locale;

/**
 * The live progress line {@code run --wait} redraws on a terminal for Map/MapReduce and broadcast instances:
 * {@code [#########---------]  450/1000  45%  120/s  ETA 0:05  2 failed}. Pure: snapshots in, text out.
 */
final class ProgressBar {
  static final int WIDTH = 30;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Sub-task counts summed over the workers, taken at {@code atMillis}. */
  record Snapshot(long total, long succeeded, long failed, long atMillis) {
    long done() {
      return succeeded + failed;
    }
  }

  private ProgressBar() {}

  /** The counts in an instance's SchedulerX progress JSON, or null when it has no per-worker task counts. */
  static Snapshot snapshot(String progressJson, long atMillis) {
    if (progressJson == null || progressJson.isBlank()) {
      return null;
    }
    JsonNode workers;
    try {
      workers = JSON.readTree(progressJson).path("workerProgress");
    } catch (IOException e) {
      return null;
    }
    if (!workers.isArray() || workers.isEmpty()) {
      return null;
    }
    long total = 0;
    long succeeded = 0;
    long failed = 0;
    for (JsonNode w : workers) {
      total += w.path("total").asLong();
      succeeded += w.path("success").asLong();
      failed += w.path("failed").asLong();
    }
    return total == 0 ? null : new Snapshot(total, succeeded, failed, atMillis);
  }

  /** The line for {@code now}; the rate (and so the ETA) is measured from {@code first}, the first snapshot seen. */
  static String render(Snapshot first, Snapshot now) {
    long done = Math.min(now.done(), now.total());
    int filled = (int) (done * WIDTH / now.total());
    StringBuilder line = new StringBuilder(80);
    line.append('[').append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("]  ");
    line.append(done).append('/').append(now.total()).append("  ").append(done * 100 / now.total()).append('%');
    double seconds = (now.atMillis() - first.atMillis()) / 1000.0;
    long progressed = now.done() - first.done();
    if (seconds > 0 && progressed > 0) {
      double rate = progressed / seconds;
      line.append("  ").append(rate < 10 ? String.format(Locale.ROOT, "%.1f", rate) : Long.toString(Math.round(rate))).append("/s");
      line.append("  ETA ").append(duration((long) Math.ceil((now.total() - done) / rate)));
    } else {
      line.append("  -/s  ETA -");
    }
    if (now.failed() > 0) {
      line.append("  ").append(now.failed()).append(" failed");
    }
    return line.toString();
  }

  /** m:ss, or h:mm:ss from an hour on. */
  static String duration(long seconds) {
    long h = seconds / 3600;
    long m = seconds % 3600 / 60;
    long s = seconds % 60;
    return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
  }
}
