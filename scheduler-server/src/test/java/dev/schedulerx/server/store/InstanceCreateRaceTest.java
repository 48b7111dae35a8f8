package dev.schedulerx.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Server nodes racing to start the same run: the unique key lets exactly one through. */
class InstanceCreateRaceTest {
  private static final int THREADS = 8;
  private static final int ROUNDS = 25;
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void eightRacingCreatesOfOneRunMakeExactlyOneRow() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (TestDatabase db = TestDatabase.inMemory()) {
      long jobId = new JobRepository(db.dataSource()).upsert(Jobs.cron("g", "j")).id();
      InstanceRepository instances = new InstanceRepository(db.dataSource());

      for (int round = 0; round < ROUNDS; round++) {
        Instant slot = NOW.plusSeconds(round);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<JobInstance>>> results = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return instances.create(
                        jobId, "g", "j", slot, TriggerType.SCHEDULE, "", 0, NOW);
                  }));
        }
        start.countDown();
        int winners = 0;
        for (Future<Optional<JobInstance>> result : results) {
          winners += result.get(30, TimeUnit.SECONDS).isPresent() ? 1 : 0;
        }
        assertThat(winners).as("winners of round %d", round).isEqualTo(1);
      }
      assertThat(db.count("sx_job_instance")).isEqualTo(ROUNDS);
    } finally {
      pool.shutdownNow();
    }
  }
}
