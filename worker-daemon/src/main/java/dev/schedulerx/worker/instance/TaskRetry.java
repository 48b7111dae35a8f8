package dev.schedulerx.worker.instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How often a failed sub-task is re-run on its worker, and how long to wait in between, as the job's
 * {@code xattrs} carry them ({@code taskMaxAttempt}, {@code taskAttemptInterval} in seconds).
 */
record TaskRetry(int maxAttempt, int intervalSeconds) {
  static final TaskRetry NONE = new TaskRetry(0, 0);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads the retry settings from an instance's xattrs; absent or unreadable means no retry. */
  static TaskRetry of(String xattrs) {
    if (xattrs == null || xattrs.isBlank()) {
      return NONE;
    }
    try {
      JsonNode node = JSON.readTree(xattrs);
      return new TaskRetry(Math.max(0, node.path("taskMaxAttempt").asInt(0)), Math.max(0, node.path("taskAttemptInterval").asInt(0)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return NONE;
    }
  }
}
