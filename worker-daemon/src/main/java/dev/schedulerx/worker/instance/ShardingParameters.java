package dev.schedulerx.worker.instance;

import dev.schedulerx.worker.task.TaskBodyCodec.Shard;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The shards of a {@code sharding} instance: {@code id=parameter} pairs separated by commas or line breaks,
 * from the run's own parameters when it has some, else from the job's (as SchedulerX reads them). Blank
 * entries are skipped; a parameter may itself contain {@code =}.
 */
final class ShardingParameters {
  private static final String EXAMPLE = "e.g. 0=a,1=b,2=c";

  private ShardingParameters() {}

  /** @throws IllegalArgumentException naming the entry at fault when the parameters give no valid shards */
  static List<Shard> parse(String jobParameters, String instanceParameters) {
    String text = instanceParameters == null || instanceParameters.isBlank() ? jobParameters : instanceParameters;
    List<Shard> shards = new ArrayList<>();
    Set<Long> ids = new HashSet<>();
    for (String raw : (text == null ? "" : text).split("[,\r\n]")) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("sharding parameter \"" + entry + "\" is not id=value (" + EXAMPLE + ")");
      }
      String id = entry.substring(0, eq).strip();
      long shardId;
      try {
        shardId = Long.parseLong(id);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("sharding id \"" + id + "\" in \"" + entry + "\" is not a whole number (" + EXAMPLE + ")");
      }
      if (!ids.add(shardId)) {
        throw new IllegalArgumentException("sharding id " + shardId + " is given twice");
      }
      shards.add(new Shard(shardId, entry.substring(eq + 1).strip()));
    }
    if (shards.isEmpty()) {
      throw new IllegalArgumentException("no sharding parameters: give the job (or the run) id=value pairs, " + EXAMPLE);
    }
    return shards;
  }
}
