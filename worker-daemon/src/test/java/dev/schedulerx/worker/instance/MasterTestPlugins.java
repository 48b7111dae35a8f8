package dev.schedulerx.worker.instance;

import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.worker.instance.testplugins.NoReduceOnFailProcessor;
import dev.schedulerx.worker.instance.testplugins.PlainMapProcessor;
import dev.schedulerx.worker.instance.testplugins.ShardSumProcessor;
import dev.schedulerx.worker.instance.testplugins.SumMapReduceProcessor;
import dev.schedulerx.worker.instance.testplugins.ThrowingReduceProcessor;
import dev.schedulerx.worker.instance.testplugins.TwoLevelSumProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Packs the distributed-job processors of {@code testplugins} (Map, MapReduce, broadcast) into a plugin JAR
 * at test time, as {@link TestPlugins} does for the standalone ones.
 */
final class MasterTestPlugins {
  static final List<Class<? extends JobProcessor>> PROCESSORS =
      List.of(SumMapReduceProcessor.class, TwoLevelSumProcessor.class, NoReduceOnFailProcessor.class,
          ThrowingReduceProcessor.class, PlainMapProcessor.class, ShardSumProcessor.class);

  private MasterTestPlugins() {}

  /** Writes {@code master-test-processors.jar} into {@code dir} and returns its path. */
  static Path jar(Path dir) throws IOException {
    Path file = Files.createDirectories(dir).resolve("master-test-processors.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    StringBuilder services = new StringBuilder();
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      for (Class<?> type : PROCESSORS) {
        String name = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(name)) {
          if (in == null) {
            throw new IllegalStateException("no class file for " + type.getName());
          }
          jar.putNextEntry(new JarEntry(name));
          jar.write(in.readAllBytes());
          jar.closeEntry();
        }
        services.append(type.getName()).append('\n');
      }
      jar.putNextEntry(new JarEntry("META-INF/services/" + JobProcessor.class.getName()));
      jar.write(services.toString().getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
    }
    return file;
  }
}
