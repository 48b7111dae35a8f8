package dev.schedulerx.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Packs compiled test processors into a plugin JAR with their service file. */
final class TestPluginJar {
  private TestPluginJar() {}

  static Path write(Path jar, Class<?>... processors) throws IOException {
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
      StringBuilder services = new StringBuilder();
      for (Class<?> type : processors) {
        String entry = type.getName().replace('.', '/') + ".class";
        out.putNextEntry(new JarEntry(entry));
        try (InputStream in = type.getClassLoader().getResourceAsStream(entry)) {
          in.transferTo(out);
        }
        out.closeEntry();
        services.append(type.getName()).append('\n');
      }
      out.putNextEntry(new JarEntry("META-INF/services/dev.schedulerx.api.JobProcessor"));
      out.write(services.toString().getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return jar;
  }
}
