package dev.schedulerx.server.dispatch;

/**
 * An instance status as a master reported it (wire status number, result, progress JSON or null),
 * with the sender's address for the log.
 */
public record StatusReport(long jobId, long instanceId, int status, String result, String progress, String from) {}
