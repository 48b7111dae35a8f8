package dev.schedulerx.worker.link;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host figures every heartbeat carries (its {@code metricsJson}). Read without {@code java.lang.management} or
 * {@link String#format} where the system allows: the first call of each loaded the JVM's management library and
 * compiled a format, ~27 ms that the first heartbeat (a worker's registration) waited for.
 */
final class HostMetrics {
  private static final Path LOAD_AVERAGE = Path.of("/proc/loadavg");

  private HostMetrics() {}

  static String json() {
    return json(LOAD_AVERAGE);
  }

  /** With the system's load average read from {@code loadAverage} (Linux's format), else from the JVM. */
  static String json(Path loadAverage) {
    Runtime rt = Runtime.getRuntime();
    long usedMb = (rt.totalMemory() - rt.freeMemory()) >> 20;
    long maxMb = rt.maxMemory() >> 20;
    String load = decimals(loadAverage(loadAverage), 2);
    String heapUsage = decimals((double) usedMb / Math.max(1, maxMb), 4);
    // masterResume: this worker can take over an instance whose master died; batchSubmit: it takes many submits in one
    // message (batch.proto). Our server reads them; others ignore them.
    return "{\"cpuLoad1\":" + load + ",\"cpuLoad5\":" + load + ",\"cpuProcessors\":" + rt.availableProcessors()
        + ",\"heap1Usage\":" + heapUsage + ",\"heap1Used\":" + usedMb + ",\"heap5Usage\":" + heapUsage + ",\"heapMax\":" + maxMb
        + ",\"masterResume\":true,\"batchSubmit\":true}";
  }

  /** The one-minute load average, never negative (the JVM answers -1 where it has none). */
  static double loadAverage(Path file) {
    try {
      String text = Files.readString(file);
      int end = text.indexOf(' ');
      return Math.max(0, Double.parseDouble(end > 0 ? text.substring(0, end) : text.strip()));
    } catch (IOException | RuntimeException e) { // not Linux, or no /proc
      return Math.max(0, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  /** {@code value} (not negative) with exactly {@code places} decimals, rounded half up, as {@code %.Nf} prints it. */
  static String decimals(double value, int places) {
    long scale = (long) Math.pow(10, places);
    long scaled = Math.round(value * scale);
    String fraction = Long.toString(scaled % scale);
    return scaled / scale + "." + "0".repeat(places - fraction.length()) + fraction;
  }
}
