package dev.schedulerx.worker.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schedulerx.worker.it.TestServer;
import dev.schedulerx.worker.client.ServerApiClient;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogShippingTest {
  private static final Logger log = LoggerFactory.getLogger("com.acme.Processor");

  @Test
  void aFullBufferDropsTheOldestLinesAndCountsThem() {
    LogBuffer buffer = new LogBuffer(3);
    for (int i = 1; i <= 5; i++) {
      buffer.add(new LogLine(1, i, Instant.EPOCH, "INFO", "l", "line " + i));
    }
    assertThat(buffer.dropped()).isEqualTo(2);
    assertThat(buffer.take(10)).extracting(LogLine::message).containsExactly("line 3", "line 4", "line 5");
    assertThat(buffer.size()).isZero();
  }

  /** A server that is down never holds up a processor's logging; what does not fit is dropped and counted. */
  @Test
  void anUnreachableServerNeitherBlocksTheProcessorNorGrowsMemory() {
    String nobody = "127.0.0.1:" + TestServer.freePort();
    try (InstanceLogShipping shipping =
        InstanceLogShipping.start(new InstanceLogShipping.Settings(true, 100, Duration.ofMillis(20)), nobody,
            new ServerApiClient(nobody, "g", ""), "w", "here:1")) {
      MDC.put("instanceId", "7");
      MDC.put("taskId", "3");
      MDC.put("workerAddr", "here:1");
      try {
        for (int i = 0; i < 1000; i++) {
          log.info("line {}", i);
        }
      } finally {
        MDC.clear();
      }
      // lines of another daemon in the same JVM are not this one's to ship
      MDC.put("instanceId", "7");
      MDC.put("workerAddr", "elsewhere:2");
      try {
        log.info("someone else's");
      } finally {
        MDC.clear();
      }
      // up to one batch of 100 is held for sending, the buffer keeps 100: the rest is dropped
      await().atMost(Duration.ofSeconds(5)).until(() -> shipping.dropped() >= 800);
      assertThat(shipping.dropped()).isBetween(800L, 900L);
      assertThat(shipping.shipped()).isZero();
    }
  }
}
