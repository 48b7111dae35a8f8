package dev.schedulerx.worker.instance.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapReduceJobProcessor;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A root that maps in two phases: 1..N (N = job parameters), then waits for a file to exist, then N+1..2N; the
 * sum of every value is the result. Instance parameters "sorted,FILE" or "shuffled,FILE": shuffled, the first
 * phase's order differs on every run (a map() output that is not deterministic).
 */
public final class TwoPhaseRootProcessor implements MapReduceJobProcessor {
  @Override
  public ProcessResult process(JobContext context) throws Exception {
    if (!context.isRootTask()) {
      return ProcessResult.success(String.valueOf((int) context.task(Integer.class)));
    }
    int n = Integer.parseInt(context.jobParameters());
    String[] p = context.instanceParameters().split(",", 2);
    List<Integer> first = new ArrayList<>(IntStream.rangeClosed(1, n).boxed().toList());
    if (p[0].equals("shuffled")) {
      Collections.shuffle(first);
    }
    ProcessResult mapped = map(context, first, "First");
    if (mapped.status() != dev.schedulerx.api.InstanceStatus.SUCCESS) {
      return mapped;
    }
    Path go = Path.of(p[1]);
    while (!Files.exists(go)) {
      Thread.sleep(10);
    }
    return map(context, IntStream.rangeClosed(n + 1, 2 * n).boxed().toList(), "Second");
  }

  @Override
  public ProcessResult reduce(JobContext context) {
    long sum = 0;
    for (Map.Entry<Long, String> e : context.taskResults().entrySet()) {
      if (e.getKey() != 0 && context.taskStatuses().get(e.getKey()) == TaskStatus.SUCCESS) {
        sum += Long.parseLong(e.getValue());
      }
    }
    return ProcessResult.success(String.valueOf(sum));
  }

  @Override
  public String name() {
    return "TwoPhaseRoot";
  }
}
