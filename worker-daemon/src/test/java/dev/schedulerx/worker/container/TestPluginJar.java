package dev.schedulerx.worker.container;

import dev.schedulerx.api.JobProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Packs processor classes compiled on the test class path into a plugin JAR with its service file. */
final class TestPluginJar {
  private TestPluginJar() {}

  static Path build(Path file, Class<?>... processors) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    List<String> services = new ArrayList<>();
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      for (Class<?> type : processors) {
        String name = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(name)) {
          if (in == null) {
            throw new IllegalArgumentException("no class file for " + type.getName());
          }
          jar.putNextEntry(new JarEntry(name));
          jar.write(in.readAllBytes());
          jar.closeEntry();
        }
        services.add(type.getName());
      }
      jar.putNextEntry(new JarEntry("META-INF/services/" + JobProcessor.class.getName()));
      jar.write((String.join("\n", services) + "\n").getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
    }
    return file;
  }
}
