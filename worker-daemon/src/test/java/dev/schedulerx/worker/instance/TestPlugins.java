package dev.schedulerx.worker.instance;

import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.worker.instance.testplugins.AwaitFileProcessor;
import dev.schedulerx.worker.instance.testplugins.BlockingProcessor;
import dev.schedulerx.worker.instance.testplugins.OkProcessor;
import dev.schedulerx.worker.instance.testplugins.ParametersProcessor;
import dev.schedulerx.worker.instance.testplugins.ThrowingProcessor;
import dev.schedulerx.worker.plugin.PluginSource;
import dev.schedulerx.worker.plugin.PluginUnit;
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
 * Packs the processors of {@code testplugins} into a plugin JAR at test time (their compiled classes, plus the
 * {@code META-INF/services} file), as a user's plugin JAR would look. Adapted from the plugin package's
 * {@code TestPluginJars}.
 */
public final class TestPlugins {
  /** Processor names in the JAR, sorted. */
  public static final List<String> NAMES = List.of("AwaitFile", "Blocking", "Ok", "Parameters", "Throwing");

  private static final List<Class<? extends JobProcessor>> PROCESSORS =
      List.of(OkProcessor.class, ThrowingProcessor.class, BlockingProcessor.class, ParametersProcessor.class,
          AwaitFileProcessor.class);

  private TestPlugins() {}

  /** Writes {@code test-processors.jar} into {@code dir} and returns its path. */
  public static Path jar(Path dir) throws IOException {
    Path file = Files.createDirectories(dir).resolve("test-processors.jar");
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

  /** A plugin source offering just the test JAR. */
  public static PluginSource source(Path dir) throws IOException {
    List<PluginUnit> units = List.of(PluginUnit.of(jar(dir)));
    return () -> units;
  }
}
