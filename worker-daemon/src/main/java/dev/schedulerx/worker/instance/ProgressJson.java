package dev.schedulerx.worker.instance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.worker.store.TaskStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Progress in the shape SchedulerX masters report it: {@code {"taskProgress":[{name,total,pulled,running,
 * success,failed}],"workerProgress":[{workerAddr,…}]}}; a master that keeps an operation log adds {@code
 * "resumable":{"finished":n}}, the finished tasks the server has in its log (a new master would not run them again).
 */
final class ProgressJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProgressJson() {}

  static String of(TaskStore store, boolean withTaskNames) {
    return of(store, withTaskNames, -1);
  }

  /** @param loggedFinished finished tasks stored in the master's log, or -1 without a log */
  static String of(TaskStore store, boolean withTaskNames, long loggedFinished) {
    Map<String, Object> progress = new LinkedHashMap<>();
    progress.put("taskProgress", withTaskNames ? store.byName().stream().map(c -> counts("name", c)).toList() : List.of());
    progress.put("workerProgress", store.byWorker().stream().map(c -> counts("workerAddr", c)).toList());
    if (loggedFinished >= 0) {
      progress.put("resumable", Map.of("finished", loggedFinished));
    }
    try {
      return JSON.writeValueAsString(progress);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> counts(String keyName, TaskStore.Counts c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(keyName, c.key());
    m.put("total", c.total());
    m.put("pulled", c.pulled());
    m.put("running", c.pulled());
    m.put("success", c.success());
    m.put("failed", c.failed());
    return m;
  }
}
