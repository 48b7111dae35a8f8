package dev.schedulerx.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the masters' log store promises (master resume), on every supported database: one subclass per database. */
abstract class MasterLogRepositoryCompatibilityTest extends OneJobOnEachDatabase {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private MasterLogRepository logs;

  @BeforeEach
  void newRepository() throws Exception {
    logs = repository();
  }

  /** Segments in the database; a subclass may keep them elsewhere. */
  MasterLogRepository repository() throws Exception {
    return new MasterLogRepository(db.dataSource());
  }

  /** How many segments of epochs before {@code epoch} a reader finds. */
  private long segmentsBefore(long instanceId, int epoch) {
    long count = 0;
    int afterEpoch = -1;
    long afterSeq = -1;
    Optional<MasterLogRepository.Segment> next;
    while ((next = logs.next(instanceId, epoch, afterEpoch, afterSeq)).isPresent()) {
      count++;
      afterEpoch = next.get().epoch();
      afterSeq = next.get().seq();
    }
    return count;
  }

  private long running() {
    long id = instances.createApiRun(jobId, "g", "j", "", NOW).id();
    instances.markRunning(id, "w0", "127.0.0.1:1", NOW);
    return id;
  }

  @Test
  void segmentsComeBackInEpochThenSeqOrderAndAReSentSegmentIsStoredOnce() {
    long id = running();
    assertThat(logs.hasLog(id)).isFalse();
    assertThat(logs.append(id, 0, 0, bytes(1, 2, 3))).isEqualTo(MasterLogRepository.Appended.STORED);
    assertThat(logs.append(id, 0, 1, bytes(4))).isEqualTo(MasterLogRepository.Appended.STORED);
    assertThat(logs.append(id, 0, 1, bytes(4))).isEqualTo(MasterLogRepository.Appended.ALREADY_STORED);
    assertThat(logs.hasLog(id)).isTrue();

    assertThat(logs.promote(id, 0, "w1", "127.0.0.1:2")).isTrue();
    assertThat(logs.append(id, 1, 0, bytes(5))).isEqualTo(MasterLogRepository.Appended.STORED);
    assertThat(logs.promote(id, 1, "w2", "127.0.0.1:3")).isTrue();

    List<String> read = new ArrayList<>();
    int afterEpoch = -1;
    long afterSeq = -1;
    Optional<MasterLogRepository.Segment> next;
    while ((next = logs.next(id, 2, afterEpoch, afterSeq)).isPresent()) {
      MasterLogRepository.Segment s = next.get();
      read.add(s.epoch() + "/" + s.seq() + ":" + s.bytes().length);
      afterEpoch = s.epoch();
      afterSeq = s.seq();
    }
    assertThat(read).containsExactly("0/0:3", "0/1:1", "1/0:1");
    assertThat(logs.next(id, 1, -1, -1)).get().extracting(MasterLogRepository.Segment::seq).isEqualTo(0L);
    assertThat(instances.findById(id).orElseThrow().workerId()).isEqualTo("w2");
    assertThat(logs.epoch(id)).contains(2);
  }

  @Test
  void aReplacedMastersAppendsAndAFinishedInstancesAreFenced() {
    long id = running();
    assertThat(logs.promote(id, 0, "w1", "127.0.0.1:2")).isTrue();
    assertThat(logs.promote(id, 0, "w2", "127.0.0.1:3")).as("a second promotion from the same epoch").isFalse();
    assertThat(logs.append(id, 0, 0, bytes(1))).isEqualTo(MasterLogRepository.Appended.FENCED);
    assertThat(logs.append(id, 1, 0, bytes(1))).isEqualTo(MasterLogRepository.Appended.STORED);

    instances.finish(id, InstanceState.SUCCESS, "done", NOW);
    assertThat(logs.append(id, 1, 1, bytes(1))).isEqualTo(MasterLogRepository.Appended.FENCED);
    assertThat(logs.promote(id, 1, "w3", "127.0.0.1:4")).isFalse();
    assertThat(logs.delete(id)).isEqualTo(1);
    assertThat(logs.hasLog(id)).isFalse();
  }

  @Test
  void aNewLeaderFindsTheResumedInstancesMastersAndThePurgeDropsLogsOfEndedOnes() {
    long resumed = running();
    long untouched = running();
    long ended = running();
    logs.append(resumed, 0, 0, bytes(1));
    logs.append(untouched, 0, 0, bytes(1));
    logs.append(ended, 0, 0, bytes(1));
    assertThat(logs.promote(resumed, 0, "w1", "127.0.0.1:2")).isTrue();
    instances.finish(ended, InstanceState.FAILED, "gone", NOW);

    assertThat(logs.resumedMasters()).containsExactly(java.util.Map.entry(resumed, "127.0.0.1:2"));
    assertThat(logs.deleteOfEnded()).isEqualTo(1);
    assertThat(logs.hasLog(ended)).isFalse();
    assertThat(logs.hasLog(untouched)).isTrue();
  }

  @Test
  void appendsRacingAPromotionAreEitherStoredBeforeItOrFenced() throws Exception {
    long id = running();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<MasterLogRepository.Appended>> appends = new ArrayList<>();
      for (int seq = 0; seq < 40; seq++) {
        long s = seq;
        appends.add(pool.submit(() -> logs.append(id, 0, s, bytes((int) s))));
        if (seq == 20) {
          assertThat(logs.promote(id, 0, "w1", "127.0.0.1:2")).isTrue();
        }
      }
      long stored = 0;
      for (Future<MasterLogRepository.Appended> f : appends) {
        if (f.get(30, TimeUnit.SECONDS) != MasterLogRepository.Appended.FENCED) {
          stored++;
        }
      }
      // whatever was stored is all there is of epoch 0: nothing of it appears after the promotion
      assertThat(segmentsBefore(id, 1)).isEqualTo(stored);
      assertThat(logs.append(id, 0, 99, bytes(1))).isEqualTo(MasterLogRepository.Appended.FENCED);
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }
}
