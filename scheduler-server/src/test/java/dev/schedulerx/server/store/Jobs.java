package dev.schedulerx.server.store;

import dev.schedulerx.job.schedule.TimeType;

/** Job definitions for tests. */
final class Jobs {
  private Jobs() {}

  static JobDefinition cron(String groupId, String name) {
    return new JobDefinition(
        0,
        groupId,
        name,
        "com.example.HelloProcessor",
        "standalone",
        "p=1",
        TimeType.CRON,
        "0 0 9 * * ?",
        "Asia/Shanghai",
        2,
        30,
        1,
        5,
        7200,
        1,
        true,
        "{\"consumerSize\":5}",
        "says hello", JobDefinition.SKIP);
  }
}
