package dev.schedulerx.worker.logs;

import java.time.Instant;

/** One line a processor logged while it ran a task of an instance, waiting to be shipped to the server. */
record LogLine(long instanceId, long taskId, Instant time, String level, String logger, String message) {}
