package dev.schedulerx.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the instance log store promises, on every supported database: one thin subclass per database. */
abstract class LogRepositoryCompatibilityTest extends OneJobOnEachDatabase {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private LogRepository logs;

  @BeforeEach
  void newRepository() {
    logs = new LogRepository(db.dataSource());
  }

  @Test
  void linesComeBackInOrderNumberedFromOneAndPageByAfter() {
    long id = instances.createApiRun(jobId, "g", "j", "", NOW).id();
    assertThat(logs.append(id, "w1", List.of(line(1, "first é中😀"), line(2, "second")))).isTrue();
    assertThat(logs.append(id, "w2", List.of(line(3, "third")))).isTrue();

    List<LogRepository.LogLine> all = logs.after(id, 0, 100);
    assertThat(all).extracting(LogRepository.LogLine::seq).containsExactly(1L, 2L, 3L);
    assertThat(all).extracting(LogRepository.LogLine::message).containsExactly("first é中😀", "second", "third");
    assertThat(all).extracting(LogRepository.LogLine::worker).containsExactly("w1", "w1", "w2");
    assertThat(all.get(0)).isEqualTo(new LogRepository.LogLine(1, NOW, "w1", 1, "INFO", "com.acme.Job", "first é中😀"));
    assertThat(logs.after(id, 1, 1)).extracting(LogRepository.LogLine::seq).containsExactly(2L);
    assertThat(logs.after(id, 3, 100)).isEmpty();
  }

  @Test
  void unknownInstanceIsRefusedAndLongTextIsCut() {
    assertThat(logs.append(987_654_321L, "w", List.of(line(0, "x")))).isFalse();
    assertThat(logs.exists(987_654_321L)).isFalse();

    long id = instances.createApiRun(jobId, "g", "j", "", NOW).id();
    String longMessage = "m".repeat(LogRepository.MAX_MESSAGE_LENGTH + 10) + "\0";
    logs.append(id, "w".repeat(300), List.of(new LogRepository.NewLine(NOW, 0, "CRITICALX", "l".repeat(300), longMessage)));

    LogRepository.LogLine stored = logs.after(id, 0, 10).get(0);
    assertThat(stored.message()).hasSize(LogRepository.MAX_MESSAGE_LENGTH);
    assertThat(stored.worker()).hasSize(LogRepository.MAX_NAME_LENGTH);
    assertThat(stored.logger()).hasSize(LogRepository.MAX_NAME_LENGTH);
    assertThat(stored.level()).isEqualTo("CRITICAL");
  }

  /** Several writers at once (workers of one instance, or server nodes): no number twice, none lost. */
  @Test
  void concurrentBatchesGetDistinctConsecutiveNumbers() throws Exception {
    long id = instances.createApiRun(jobId, "g", "j", "", NOW).id();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> done = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        String worker = "w" + w;
        done.add(pool.submit(() -> {
          for (int batch = 0; batch < 5; batch++) {
            logs.append(id, worker, IntStream.range(0, 10).mapToObj(i -> line(i, worker)).toList());
          }
          return true;
        }));
      }
      for (Future<Boolean> f : done) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    List<LogRepository.LogLine> all = logs.after(id, 0, 1000);
    assertThat(all).extracting(LogRepository.LogLine::seq).containsExactlyElementsOf(IntStream.rangeClosed(1, 200).mapToObj(i -> (long) i).toList());
  }

  @Test
  void purgingAnInstancePurgesItsLog() throws SQLException {
    long old = instances.createApiRun(jobId, "g", "j", "", NOW).id();
    instances.finish(old, InstanceState.SUCCESS, "", NOW);
    long recent = instances.createApiRun(jobId, "g", "j", "", NOW.plusSeconds(1)).id();
    logs.append(old, "w", List.of(line(0, "old")));
    logs.append(recent, "w", List.of(line(0, "recent")));

    assertThat(instances.purgeFinishedBefore(NOW.plusSeconds(60))).isEqualTo(1);

    assertThat(logs.exists(old)).isFalse();
    assertThat(db.count("sx_instance_log")).isEqualTo(1);
    assertThat(logs.after(recent, 0, 10)).extracting(LogRepository.LogLine::message).containsExactly("recent");
  }

  private static LogRepository.NewLine line(long taskId, String message) {
    return new LogRepository.NewLine(NOW, taskId, "INFO", "com.acme.Job", message);
  }
}
