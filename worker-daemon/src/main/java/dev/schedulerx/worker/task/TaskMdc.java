package dev.schedulerx.worker.task;

import dev.schedulerx.worker.task.TaskContext;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * Puts a task's ids into the logging MDC around a call into user code, so every line a processor logs
 * (through SLF4J or System.Logger) carries {@code jobId}, {@code instanceId} and {@code taskId}; {@code
 * workerAddr} tells the daemon's log shipping which daemon ran it (tests run several in one JVM).
 */
public final class TaskMdc {
  private TaskMdc() {}

  public static <T> T call(TaskContext context, Supplier<T> work) {
    MDC.put("jobId", Long.toString(context.jobId()));
    MDC.put("instanceId", Long.toString(context.jobInstanceId()));
    MDC.put("taskId", Long.toString(context.taskId()));
    if (context.workerAddr() != null) {
      MDC.put("workerAddr", context.workerAddr());
    }
    try {
      return work.get();
    } finally {
      MDC.remove("jobId");
      MDC.remove("instanceId");
      MDC.remove("taskId");
      MDC.remove("workerAddr");
    }
  }

  public static void run(TaskContext context, Runnable work) {
    call(context, () -> {
      work.run();
      return null;
    });
  }
}
