package dev.schedulerx.worker.instance;

import dev.schedulerx.worker.testing.PluginJars;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.worker.instance.testplugins.AwaitFileProcessor;
import dev.schedulerx.worker.instance.testplugins.BlockingProcessor;
import dev.schedulerx.worker.instance.testplugins.OkProcessor;
import dev.schedulerx.worker.instance.testplugins.ParametersProcessor;
import dev.schedulerx.worker.instance.testplugins.ThrowingProcessor;
import dev.schedulerx.worker.instance.testplugins.WorkflowNodeProcessor;
import dev.schedulerx.worker.plugin.PluginSource;
import dev.schedulerx.worker.plugin.PluginUnit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Packs the processors of {@code testplugins} into a plugin JAR at test time (their compiled classes, plus the
 * {@code META-INF/services} file), as a user's plugin JAR would look. Adapted from the plugin package's
 * {@code TestPluginJars}.
 */
public final class TestPlugins {
  /** Processor names in the JAR, sorted. */
  public static final List<String> NAMES = List.of("AwaitFile", "Blocking", "Ok", "Parameters", "Throwing", "WorkflowNode");

  private static final List<Class<? extends JobProcessor>> PROCESSORS =
      List.of(OkProcessor.class, ThrowingProcessor.class, BlockingProcessor.class, ParametersProcessor.class,
          AwaitFileProcessor.class, WorkflowNodeProcessor.class);

  private TestPlugins() {}

  /** Writes {@code test-processors.jar} into {@code dir} and returns its path. */
  public static Path jar(Path dir) throws IOException {
    return PluginJars.write(dir.resolve("test-processors.jar"), PROCESSORS);
  }

  /** A plugin source offering just the test JAR. */
  public static PluginSource source(Path dir) throws IOException {
    List<PluginUnit> units = List.of(PluginUnit.of(jar(dir)));
    return () -> units;
  }
}
