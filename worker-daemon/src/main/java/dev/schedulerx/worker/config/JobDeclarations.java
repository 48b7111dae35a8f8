package dev.schedulerx.worker.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import dev.schedulerx.common.config.ConfigError;
import dev.schedulerx.common.config.LayeredConfig;
import dev.schedulerx.job.JobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads {@code schedulerx.jobs { name { … } }} into job specs, checking every key and value. */
final class JobDeclarations {
  static final Set<String> KEYS =
      Set.of("processor", "execute-mode", "time-type", "time-expression", "time-zone", "parameters", "max-attempt",
          "attempt-interval", "task-max-attempt", "task-attempt-interval", "timeout", "max-concurrency", "enabled",
          "description", "xattrs", "concurrency-policy", "job-type", "content", "monitor-config", "contact");

  private JobDeclarations() {}

  static List<JobSpec> read(Config jobs, String groupId) {
    List<JobSpec> specs = new ArrayList<>();
    for (String name : new TreeSet<>(jobs.root().keySet())) {
      String path = "schedulerx.jobs." + name;
      Config job;
      try {
        job = jobs.getConfig(quoted(name));
      } catch (ConfigException.WrongType e) {
        throw new ConfigError(path + " must be an object like { processor = \"HelloWorld\", time-type = api }");
      }
      for (Map.Entry<String, ConfigValue> e : job.root().entrySet()) {
        if (!KEYS.contains(e.getKey())) {
          throw new ConfigError("unknown key " + path + "." + e.getKey() + " (line " + e.getValue().origin().lineNumber()
              + "): a job accepts " + new TreeSet<>(KEYS));
        }
      }
      try {
        JobSpec spec =
            new JobSpec(
                groupId,
                name,
                string(job, "processor", null),
                string(job, "execute-mode", "standalone"),
                string(job, "parameters", ""),
                string(job, "time-type", "api"),
                string(job, "time-expression", ""),
                string(job, "time-zone", ""),
                integer(job, "max-attempt", 0),
                seconds(job, "attempt-interval", 30),
                integer(job, "task-max-attempt", 0),
                seconds(job, "task-attempt-interval", 0),
                (long) seconds(job, "timeout", 0),
                integer(job, "max-concurrency", 1),
                !job.hasPath("enabled") || job.getBoolean("enabled"),
                string(job, "xattrs", ""),
                string(job, "description", ""),
                string(job, "concurrency-policy", "skip"),
                string(job, "job-type", "java"),
                string(job, "content", null),
                string(job, "monitor-config", ""), // alert rules: SchedulerX's monitorConfig JSON text
                string(job, "contact", ""),
                null);
        spec.normalized(); // validates: a bad cron fails the start, not the first run
        specs.add(spec);
      } catch (ConfigException e) {
        throw new ConfigError(LayeredConfig.oneLine(e));
      } catch (IllegalArgumentException e) {
        throw new ConfigError("bad job " + path + ": " + e.getMessage());
      }
    }
    return specs;
  }

  private static String quoted(String name) {
    return "\"" + name + "\"";
  }

  private static String string(Config c, String key, String fallback) {
    return c.hasPath(key) ? c.getString(key) : fallback;
  }

  private static int integer(Config c, String key, int fallback) {
    return c.hasPath(key) ? c.getInt(key) : fallback;
  }

  private static int seconds(Config c, String key, int fallback) {
    return c.hasPath(key) ? (int) c.getDuration(key).toSeconds() : fallback;
  }
}
