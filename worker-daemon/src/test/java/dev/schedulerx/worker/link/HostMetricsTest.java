package dev.schedulerx.worker.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostMetricsTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void theHeartbeatsMetricsAreJsonWithTheLoadOfTheSystemsFile(@TempDir Path dir) throws Exception {
    Path loadavg = Files.writeString(dir.resolve("loadavg"), "1.37 0.92 0.41 2/311 48172\n");

    JsonNode metrics = json.readTree(HostMetrics.json(loadavg));

    assertThat(metrics.get("cpuLoad1").asText()).isEqualTo("1.37");
    assertThat(metrics.get("cpuLoad5").asDouble()).isEqualTo(1.37);
    assertThat(metrics.get("cpuProcessors").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(metrics.get("heapMax").asLong()).isEqualTo(Runtime.getRuntime().maxMemory() >> 20);
    assertThat(metrics.get("heap1Usage").asDouble()).isBetween(0.0, 1.0);
    assertThat(metrics.get("heap1Used").asLong()).isPositive();
    assertThat(metrics.get("masterResume").asBoolean()).isTrue();
    assertThat(metrics.get("batchSubmit").asBoolean()).isTrue();
  }

  @Test
  void withoutTheSystemsFileTheLoadIsTheJvmsAndNeverNegative(@TempDir Path dir) {
    double jvms = Math.max(0, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

    double load = HostMetrics.loadAverage(dir.resolve("absent"));

    assertThat(load).isGreaterThanOrEqualTo(0).isCloseTo(jvms, org.assertj.core.data.Offset.offset(Math.max(1.0, jvms)));
  }

  @Test
  void decimalsAreWrittenAsPrintfWritesThem() {
    for (double value : new double[] {0, 0.004, 0.005, 0.125, 0.5, 0.99999, 1, 1.37, 2.675, 12.3456789, 1234.5}) {
      for (int places : new int[] {2, 4}) {
        assertThat(HostMetrics.decimals(value, places)).as("%s with %d places", value, places)
            .isEqualTo(String.format(Locale.ROOT, "%." + places + "f", value));
      }
    }
  }
}
