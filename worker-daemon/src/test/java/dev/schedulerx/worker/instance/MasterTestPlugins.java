package dev.schedulerx.worker.instance;

import dev.schedulerx.worker.testing.PluginJars;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.worker.instance.testplugins.GatedReduceProcessor;
import dev.schedulerx.worker.instance.testplugins.NoReduceOnFailProcessor;
import dev.schedulerx.worker.instance.testplugins.PlainMapProcessor;
import dev.schedulerx.worker.instance.testplugins.ShardEchoProcessor;
import dev.schedulerx.worker.instance.testplugins.ShardSumProcessor;
import dev.schedulerx.worker.instance.testplugins.SumMapReduceProcessor;
import dev.schedulerx.worker.instance.testplugins.ThrowingReduceProcessor;
import dev.schedulerx.worker.instance.testplugins.TwoLevelSumProcessor;
import dev.schedulerx.worker.instance.testplugins.TwoPhaseRootProcessor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Packs the distributed-job processors of {@code testplugins} (Map, MapReduce, broadcast) into a plugin JAR
 * at test time, as {@link TestPlugins} does for the standalone ones.
 */
final class MasterTestPlugins {
  static final List<Class<? extends JobProcessor>> PROCESSORS =
      List.of(SumMapReduceProcessor.class, TwoLevelSumProcessor.class, NoReduceOnFailProcessor.class,
          ThrowingReduceProcessor.class, PlainMapProcessor.class, ShardSumProcessor.class, ShardEchoProcessor.class, TwoPhaseRootProcessor.class,
          GatedReduceProcessor.class);

  private MasterTestPlugins() {}

  /** Writes {@code master-test-processors.jar} into {@code dir} and returns its path. */
  static Path jar(Path dir) throws IOException {
    return PluginJars.write(dir.resolve("master-test-processors.jar"), PROCESSORS);
  }
}
