package dev.schedulerx.testkit;

import dev.schedulerx.api.BroadcastProcessor;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.MapJobProcessor;
import dev.schedulerx.api.MapReduceJobProcessor;

/** How {@link SchedulerxCluster#run} runs a processor: the SchedulerX execute modes a processor kind needs. */
public enum ExecuteMode {
  /** {@link JobProcessor#process} once, on one worker. */
  STANDALONE("standalone", JobProcessor.class),
  /** {@link BroadcastProcessor}: preProcess on the master, process on every worker, postProcess on the master. */
  BROADCAST("broadcast", BroadcastProcessor.class),
  /** {@link MapJobProcessor}: the root task maps sub-tasks, spread over every worker. */
  MAP("grid", MapJobProcessor.class),
  /** {@link MapReduceJobProcessor}: as {@link #MAP}, then reduce on the master. */
  MAP_REDUCE("grid", MapReduceJobProcessor.class);

  private final String wireName;
  private final Class<? extends JobProcessor> needs;

  ExecuteMode(String wireName, Class<? extends JobProcessor> needs) {
    this.wireName = wireName;
    this.needs = needs;
  }

  /** The execute mode as the server's job API names it. */
  String wireName() {
    return wireName;
  }

  /** The processor interface this mode calls. */
  Class<? extends JobProcessor> needs() {
    return needs;
  }

  /** The mode a processor is meant for: the most specific interface it implements. */
  static ExecuteMode of(JobProcessor processor) {
    if (processor instanceof MapReduceJobProcessor) {
      return MAP_REDUCE;
    }
    if (processor instanceof MapJobProcessor) {
      return MAP;
    }
    if (processor instanceof BroadcastProcessor) {
      return BROADCAST;
    }
    return STANDALONE;
  }
}
