package dev.schedulerx.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** One of our worker daemons, through {@code bin/schedulerx-worker}, joining our server's interop group. */
final class OurDaemonProcess {
  private OurDaemonProcess() {}

  /** Starts a daemon in {@code dir} with {@code processors} packed as its one plugin, without waiting. */
  static Processes launch(String name, String domain, Path dir, String heap, Class<?>... processors) throws IOException {
    return launch(name, domain, dir, heap, OurServer.GROUP, OurServer.APP_KEY, "", "", processors);
  }

  /** As {@link #launch(String, String, Path, String, Class[])}, with {@code extraConf} inside {@code schedulerx { }}. */
  static Processes launch(String name, String domain, Path dir, String heap, String extraConf, Class<?>... processors) throws IOException {
    return launch(name, domain, dir, heap, OurServer.GROUP, OurServer.APP_KEY, "", extraConf, processors);
  }

  /** The same in app group {@code groupId} with {@code appKey}, sending {@code label} with its heartbeats. */
  static Processes launch(String name, String domain, Path dir, String heap, String groupId, String appKey, String label,
      Class<?>... processors) throws IOException {
    return launch(name, domain, dir, heap, groupId, appKey, label, "", processors);
  }

  private static Processes launch(String name, String domain, Path dir, String heap, String groupId, String appKey,
      String label, String extraConf, Class<?>... processors) throws IOException {
    Files.createDirectories(dir.resolve("plugins"));
    writePluginJar(dir.resolve("plugins/interop.jar"), processors);
    Path conf = dir.resolve("worker.conf");
    Files.writeString(conf, """
        schedulerx {
          namespace = "%s"
          group-id = "%s"
          app-key = "%s"
          label = "%s"
          domain = "%s"
          remoting { host = "127.0.0.1", port = 0 }
          server { embedded = false }
          plugins-dir = "%s"
          data-dir = "%s"
          %s
        }
        """.formatted(OurServer.NAMESPACE, groupId, appKey, label, domain, dir.resolve("plugins"), dir.resolve("data"), extraConf));
    return Processes.start(name, Processes.launcher("bin/schedulerx-worker", conf, heap), dir.resolve("daemon.log"));
  }

  static void awaitReady(Processes daemon) {
    daemon.awaitLine(": ready (", Duration.ofSeconds(90));
  }

  static void writePluginJar(Path jar, Class<?>... processors) throws IOException {
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
  }
}
