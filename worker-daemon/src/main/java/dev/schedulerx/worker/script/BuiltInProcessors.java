package dev.schedulerx.worker.script;

import dev.schedulerx.worker.plugin.LoadedProcessor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The processors the daemon brings itself, for the job types whose content is what runs: shell, python and go
 * scripts and HTTP requests. Their names ({@code builtin:shell}, …) cannot collide with a plugin's processor
 * (no class or processor name has a colon); the submit's job type picks them.
 */
public final class BuiltInProcessors {
  static final String HTTP = "http";
  private static final String PREFIX = "builtin:";
  /** Job types run by a built-in processor. */
  public static final Set<String> JOB_TYPES = Set.of(ScriptCommand.SHELL, ScriptCommand.PYTHON, ScriptCommand.GO, HTTP);

  private BuiltInProcessors() {}

  /** The processor name serving {@code jobType}, if a built-in one does. */
  public static Optional<String> forJobType(String jobType) {
    return JOB_TYPES.contains(jobType) ? Optional.of(nameOf(jobType)) : Optional.empty();
  }

  static String nameOf(String jobType) {
    return PREFIX + jobType;
  }

  /**
   * One processor per built-in job type, keyed by name.
   *
   * @param daemonEnv the daemon's environment (only the pass-through names reach scripts)
   */
  public static Map<String, LoadedProcessor> create(ScriptSettings settings, Map<String, String> daemonEnv) {
    ClassLoader loader = BuiltInProcessors.class.getClassLoader();
    Path origin = Path.of("built-in");
    List<dev.schedulerx.api.JobProcessor> processors = List.of(
        new ScriptProcessor(ScriptCommand.SHELL, settings, daemonEnv),
        new ScriptProcessor(ScriptCommand.PYTHON, settings, daemonEnv),
        new ScriptProcessor(ScriptCommand.GO, settings, daemonEnv),
        new HttpJobProcessor(settings.http()));
    return processors.stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
        p -> p.name(), p -> new LoadedProcessor(p.name(), p.getClass().getName(), p, loader, origin)));
  }
}
