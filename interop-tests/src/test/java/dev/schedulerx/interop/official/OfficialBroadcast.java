package dev.schedulerx.interop.official;

import com.alibaba.schedulerx.worker.domain.JobContext;
import com.alibaba.schedulerx.worker.processor.JavaProcessor;
import com.alibaba.schedulerx.worker.processor.ProcessResult;
import java.util.Map;
import java.util.TreeSet;

/**
 * Broadcast job on the official workers: each worker answers with its process id, and postProcess (on the
 * master) lists every task result it was given, sorted, as {@code "<n> results: pid1,pid2"}.
 */
public class OfficialBroadcast extends JavaProcessor {
  @Override
  public ProcessResult process(JobContext context) {
    return new ProcessResult(true, "pid" + ProcessHandle.current().pid());
  }

  @Override
  public ProcessResult postProcess(JobContext context) {
    Map<Long, String> results = context.getTaskResults();
    TreeSet<String> sorted = new TreeSet<>(results.values());
    return new ProcessResult(true, results.size() + " results: " + String.join(",", sorted));
  }
}
