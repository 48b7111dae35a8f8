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
 * MapReduce over 1..N, each sub-task taking a few ms, where every execution of a sub-task (re-runs included)
 * appends its value to a file of its JVM under a directory: the test counts how often each ran. Params
 * "N,ms,dir". Reduce also appends "reduce" to a file of its own, once per run of reduce.
 */
public final class CountedSum implements MapReduceJobProcessor {
  @Override
  public ProcessResult process(JobContext context) throws Exception {
    String[] p = context.instanceParameters().split(",");
    if (isRootTask(context)) {
      List<Long> values = new ArrayList<>();
      for (long i = 1; i <= Long.parseLong(p[0].trim()); i++) {
        values.add(i);
      }
      return map(context, values, "Value");
    }
    long value = context.task(Long.class);
    Thread.sleep(Long.parseLong(p[1].trim()));
    append(Path.of(p[2].trim()).resolve("runs-" + ProcessHandle.current().pid() + ".txt"), value + "\n");
    return ProcessResult.success(Long.toString(value));
  }

  @Override
  public ProcessResult reduce(JobContext context) throws IOException {
    long sum = 0;
    long counted = 0;
    for (Map.Entry<Long, String> e : context.taskResults().entrySet()) {
      if (e.getKey() != 0 && context.taskStatuses().get(e.getKey()) == TaskStatus.SUCCESS) {
        sum += Long.parseLong(e.getValue());
        counted++;
      }
    }
    String[] p = context.instanceParameters().split(",");
    append(Path.of(p[2].trim()).resolve("reduce-" + ProcessHandle.current().pid() + ".txt"), counted + "\n");
    return ProcessResult.success(Long.toString(sum));
  }

  private static synchronized void append(Path file, String line) throws IOException {
    Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
