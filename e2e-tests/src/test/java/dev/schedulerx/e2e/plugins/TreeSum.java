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
 * A three-level map over 1..N: the root maps 10 "Branch" tasks, each branch maps 10 "Twig" tasks, each twig maps
 * its share of the numbers as "Leaf" tasks; a leaf takes ms milliseconds and appends its value to {@code
 * runs-<pid>.txt} in dir (every execution, re-runs included); reduce sums the leaves and appends how many it counted
 * to {@code reduce-<pid>.txt}. Params "N,ms,dir".
 */
public final class TreeSum implements MapReduceJobProcessor {
  private static final int FAN_OUT = 10;

  @Override
  public ProcessResult process(JobContext context) throws Exception {
    String[] p = context.instanceParameters().split(",");
    long n = Long.parseLong(p[0].trim());
    if (isRootTask(context)) {
      return branches(context, List.of(0L), "Branch");
    }
    if ("Branch".equals(context.taskName())) {
      return branches(context, List.of((long) context.task(Long.class)), "Twig");
    }
    if ("Twig".equals(context.taskName())) {
      long twig = context.task(Long.class); // 0..99
      List<Long> leaves = new ArrayList<>();
      for (long i = twig * n / (FAN_OUT * FAN_OUT) + 1; i <= (twig + 1) * n / (FAN_OUT * FAN_OUT); i++) {
        leaves.add(i);
      }
      ProcessResult mapped = map(context, leaves, "Leaf");
      return mapped.isSuccess() ? ProcessResult.success("") : mapped;
    }
    long value = context.task(Long.class);
    Thread.sleep(Long.parseLong(p[1].trim()));
    append(Path.of(p[2].trim()).resolve("runs-" + ProcessHandle.current().pid() + ".txt"), value + "\n");
    return ProcessResult.success(Long.toString(value));
  }

  /** The root's branches are 0..9; branch b's twigs are b*10..b*10+9. */
  private ProcessResult branches(JobContext context, List<Long> parent, String name) {
    List<Long> children = new ArrayList<>();
    for (long k = 0; k < FAN_OUT; k++) {
      children.add(parent.get(0) * FAN_OUT + k);
    }
    ProcessResult mapped = map(context, children, name);
    return mapped.isSuccess() ? ProcessResult.success("") : mapped;
  }

  @Override
  public ProcessResult reduce(JobContext context) throws IOException {
    long sum = 0;
    long counted = 0;
    for (Map.Entry<Long, String> e : context.taskResults().entrySet()) {
      if (!e.getValue().isEmpty() && context.taskStatuses().get(e.getKey()) == TaskStatus.SUCCESS) {
        sum += Long.parseLong(e.getValue());
        counted++;
      }
    }
    Path dir = Path.of(context.instanceParameters().split(",")[2].trim());
    append(dir.resolve("reduce-" + ProcessHandle.current().pid() + ".txt"), counted + "\n");
    return ProcessResult.success(Long.toString(sum));
  }

  private static synchronized void append(Path file, String line) throws IOException {
    Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
