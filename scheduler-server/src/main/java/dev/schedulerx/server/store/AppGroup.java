package dev.schedulerx.server.store;

import java.util.Objects;

/**
 * An app group as stored: workers join it with its app key, OpenAPI calls are signed with it, jobs belong to it.
 * Optional texts are never null ({@code ""} when unset); the JSON texts are kept as the client sent them.
 *
 * @param id SchedulerX's numeric app group id; 0 until stored
 * @param namespace the namespace uid the group belongs to
 */
public record AppGroup(
    long id,
    String groupId,
    String namespace,
    String appName,
    String appKey,
    String description,
    int maxJobs,
    int maxConcurrency,
    String monitorConfig,
    String contact,
    String alarmJson,
    String metricsThresholdJson) {
  public static final int MAX_GROUP_ID_LENGTH = 128;
  public static final int DEFAULT_MAX_JOBS = 1000;
  public static final int DEFAULT_MAX_CONCURRENCY = 1000;

  public AppGroup {
    Texts.requireLength("groupId", Objects.requireNonNull(groupId, "groupId"), 0, MAX_GROUP_ID_LENGTH);
    namespace = Texts.requireLength("namespace", Texts.orEmpty(namespace), 0, 128);
    appName = Texts.requireLength("appName", Texts.orEmpty(appName), 0, 255);
    appKey = Texts.requireLength("appKey", Texts.orEmpty(appKey), 0, 255);
    description = Texts.requireLength("description", Texts.orEmpty(description), 0, 1000);
    monitorConfig = Texts.orEmpty(monitorConfig);
    contact = Texts.orEmpty(contact);
    alarmJson = Texts.orEmpty(alarmJson);
    metricsThresholdJson = Texts.orEmpty(metricsThresholdJson);
    if (maxJobs < 1 || maxConcurrency < 1) {
      throw new IllegalArgumentException("maxJobs and maxConcurrency must be at least 1");
    }
  }

  /** A group from the server config: namespace, id and key, SchedulerX's defaults for the rest. */
  public static AppGroup configured(String namespace, String groupId, String appKey) {
    return new AppGroup(0, groupId, namespace, groupId, appKey, "", DEFAULT_MAX_JOBS, DEFAULT_MAX_CONCURRENCY, "", "", "", "");
  }

  /** A caller that names a group the server does not have (group creation). */
  public static AppGroup unknown(String groupId) {
    return configured("", groupId, "");
  }

  public AppGroup withId(long newId) {
    return new AppGroup(newId, groupId, namespace, appName, appKey, description, maxJobs, maxConcurrency, monitorConfig,
        contact, alarmJson, metricsThresholdJson);
  }

  public AppGroup withAppKey(String newKey) {
    return new AppGroup(id, groupId, namespace, appName, newKey, description, maxJobs, maxConcurrency, monitorConfig,
        contact, alarmJson, metricsThresholdJson);
  }
}
