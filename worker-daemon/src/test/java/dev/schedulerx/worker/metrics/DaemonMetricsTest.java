package dev.schedulerx.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.api.TaskStatus;
import dev.schedulerx.worker.link.LinkHealth;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DaemonMetricsTest {

  @Test
  void whatHappensBeforeTheRegistryIsMadeShowsInTheFirstScrape() {
    CompletableFuture<String> registered = new CompletableFuture<>(); // never completes: the scrape makes the registry
    try (DaemonMetrics metrics = new DaemonMetrics(new LinkHealth(Clock.systemUTC()), registered)) {
      metrics.masterResumed(3);
      metrics.supervised(1);
      metrics.queued(2);
      metrics.started("hello", 1_000);
      metrics.finished("hello", TaskStatus.SUCCESS);

      String scrape = metrics.scrape();

      assertThat(scrape)
          .contains("schedulerx_worker_master_resumes_total 1.0")
          .contains("schedulerx_worker_master_resumed_tasks_total 3.0")
          .contains("schedulerx_worker_instances_supervised 1.0")
          .contains("schedulerx_worker_container_queue_depth 2.0")
          .contains("schedulerx_worker_tasks_running{job=\"hello\"} 1.0")
          .contains("schedulerx_worker_tasks_finished_total{job=\"hello\",status=\"SUCCESS\"} 1.0")
          .contains("jvm_threads_live_threads");
    }
  }

  @Test
  void theRegistryIsMadeOnceRegisteredAndCountsGoOn() {
    CompletableFuture<String> registered = new CompletableFuture<>();
    try (DaemonMetrics metrics = new DaemonMetrics(new LinkHealth(Clock.systemUTC()), registered)) {
      metrics.masterResumed(1);
      registered.complete("127.0.0.1:1");
      metrics.masterResumed(4);

      assertThat(metrics.scrape())
          .contains("schedulerx_worker_master_resumes_total 2.0")
          .contains("schedulerx_worker_master_resumed_tasks_total 5.0");
    }
  }
}
