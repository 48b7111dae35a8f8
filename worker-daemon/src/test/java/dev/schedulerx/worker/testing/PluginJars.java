package dev.schedulerx.worker.testing;

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
 * Writes a plugin JAR at test time from processors compiled on the test class path (their class files plus
 * the {@code META-INF/services} file), as a user's plugin JAR looks.
 */
public final class PluginJars {
  private PluginJars() {}

  public static Path write(Path file, List<? extends Class<?>> processors) throws IOException {
    Files.createDirectories(file.getParent());
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    StringBuilder services = new StringBuilder();
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      for (Class<?> type : processors) {
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
      jar.putNextEntry(new JarEntry("META-INF/services/dev.schedulerx.api.JobProcessor"));
      jar.write(services.toString().getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
    }
    return file;
  }
}
