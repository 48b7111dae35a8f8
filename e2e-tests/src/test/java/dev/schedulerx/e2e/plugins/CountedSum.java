package dev.schedulerx.e2e.plugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapReduceJobProcessor;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MapReduce over 1..N, each sub-task taking a few ms, whose every step leaves a trace in a directory, so a test can
 * kill its master at a chosen moment and count what ran. Params "N,ms,dir[,chunks]":
 * <ul>
 *   <li>the root maps 1..N in {@code chunks} calls of map() (default 1), 200 ms apart, creating {@code mapped-<k>}
 *       after the k-th;
 *   <li>every execution of a sub-task (re-runs included) appends its value to {@code runs-<pid>.txt};
 *   <li>reduce creates {@code reduce-started-<pid>}, waits while a file {@code hold-reduce} exists, then appends the
 *       number of sub-tasks it counted to {@code reduce-<pid>.txt}.
 * </ul>
 */
public final class CountedSum implements MapReduceJobProcessor {
  @Override
  public ProcessResult process(JobContext context) throws Exception {
    String[] p = context.instanceParameters().split(",");
    Path dir = Path.of(p[2].trim());
    if (isRootTask(context)) {
      long n = Long.parseLong(p[0].trim());
      int chunks = p.length > 3 ? Integer.parseInt(p[3].trim()) : 1;
      for (int k = 1; k <= chunks; k++) {
        List<Long> values = new ArrayList<>();
        for (long i = (k - 1) * n / chunks + 1; i <= k * n / chunks; i++) {
          values.add(i);
        }
        ProcessResult mapped = map(context, values, "Value");
        if (!mapped.isSuccess()) {
          return mapped;
        }
        Files.writeString(dir.resolve("mapped-" + k), "");
        if (k < chunks) {
          Thread.sleep(200);
        }
      }
      return ProcessResult.success("");
    }
    long value = context.task(Long.class);
    Thread.sleep(Long.parseLong(p[1].trim()));
    append(dir.resolve("runs-" + ProcessHandle.current().pid() + ".txt"), value + "\n");
    return ProcessResult.success(Long.toString(value));
  }

  @Override
  public ProcessResult reduce(JobContext context) throws Exception {
    Path dir = Path.of(context.instanceParameters().split(",")[2].trim());
    Files.writeString(dir.resolve("reduce-started-" + ProcessHandle.current().pid()), "");
    while (Files.exists(dir.resolve("hold-reduce"))) {
      Thread.sleep(20);
    }
    long sum = 0;
    long counted = 0;
    for (Map.Entry<Long, String> e : context.taskResults().entrySet()) {
      if (e.getKey() != 0 && context.taskStatuses().get(e.getKey()) == TaskStatus.SUCCESS) {
        sum += Long.parseLong(e.getValue());
        counted++;
      }
    }
    append(dir.resolve("reduce-" + ProcessHandle.current().pid() + ".txt"), counted + "\n");
    return ProcessResult.success(Long.toString(sum));
  }

  private static synchronized void append(Path file, String line) throws IOException {
    Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
