package dev.schedulerx.worker.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schedulerx.api.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The master log's records and segments: what is written reads back, and damage is refused, never misread. */
class OperationLogCodecTest {

  /** What a replay saw, as lines. */
  private static final class Seen implements OperationLogCodec.Replay {
    final List<String> lines = new ArrayList<>();

    @Override
    public void created(long parent, String name, byte[] body, long hash) {
      lines.add("create " + parent + " " + name + " " + new String(body, StandardCharsets.UTF_8) + " " + hash);
    }

    @Override
    public void finished(long taskId, TaskStatus status, String result) {
      lines.add("finish " + taskId + " " + status + " " + result);
    }

    @Override
    public void reduceStarted() {
      lines.add("reduce");
    }
  }

  private static byte[] segment(OperationLogCodec.Records records) {
    try (OperationLogCodec.Deflating deflating = new OperationLogCodec.Deflating()) {
      return deflating.deflate(records.bytes(), 0, records.size());
    }
  }

  @Test
  void recordsReadBackAsWrittenAcrossSegmentsOfOneEpochSharingTheirNames() {
    OperationLogCodec.Records first = new OperationLogCodec.Records(16);
    first.name(0, "Value");
    first.create(-1, 0, "a".getBytes(StandardCharsets.UTF_8), 7);
    first.create(0, 0, "é中".getBytes(StandardCharsets.UTF_8), -3);
    OperationLogCodec.Records second = new OperationLogCodec.Records(16);
    second.finish(1, TaskStatus.SUCCESS, "ok 😀");
    second.finish(0, TaskStatus.FAILED, "");
    second.settle();
    second.reduce();

    Seen seen = new Seen();
    int replayed = MasterLogReader.replay(List.of(new MasterLog.Segment(0, 0, segment(first)),
        new MasterLog.Segment(0, 1, segment(second))), seen);

    assertThat(replayed).isEqualTo(2);
    assertThat(seen.lines).containsExactly("create -1 Value a 7", "create 0 Value é中 -3", "finish 1 SUCCESS ok 😀",
        "finish 0 FAILED ", "reduce");
  }

  @Test
  void anEpochCountsUpToItsFirstMissingSegmentAndTheNextEpochStartsItsOwnNames() {
    OperationLogCodec.Records a = new OperationLogCodec.Records(16);
    a.name(0, "A");
    a.create(-1, 0, new byte[] {1}, 1);
    OperationLogCodec.Records lost = new OperationLogCodec.Records(16);
    lost.create(-1, 0, new byte[] {2}, 2);
    OperationLogCodec.Records b = new OperationLogCodec.Records(16);
    b.name(0, "B");
    b.create(0, 0, new byte[] {3}, 3);

    Seen seen = new Seen();
    // epoch 0 has seq 0 and 2 (1 never stored): only seq 0 counts
    int replayed = MasterLogReader.replay(List.of(new MasterLog.Segment(0, 0, segment(a)),
        new MasterLog.Segment(0, 2, segment(lost)), new MasterLog.Segment(1, 0, segment(b))), seen);

    assertThat(replayed).isEqualTo(2);
    assertThat(seen.lines).extracting(l -> l.substring(0, l.lastIndexOf(' '))).containsExactly("create -1 A \u0001", "create 0 B \u0003");
  }

  @Test
  void aCutOrCorruptSegmentIsRefusedWithAReasonNeverMisread() {
    OperationLogCodec.Records records = new OperationLogCodec.Records(16);
    records.name(0, "Value");
    for (int i = 0; i < 100; i++) {
      records.create(-1, 0, ("body " + i).getBytes(StandardCharsets.UTF_8), i);
    }
    byte[] whole = segment(records);
    byte[] cut = Arrays.copyOf(whole, whole.length / 2);
    assertThatThrownBy(() -> OperationLogCodec.replay(cut, new ArrayList<>(), new Seen()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("operation log:");

    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      byte[] damaged = whole.clone();
      damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
      Seen seen = new Seen();
      try {
        OperationLogCodec.replay(damaged, new ArrayList<>(), seen);
      } catch (IllegalArgumentException e) {
        assertThat(e.getMessage()).startsWith("operation log:");
      }
    }
    assertThatThrownBy(() -> OperationLogCodec.replay(new byte[] {1, 2, 3}, new ArrayList<>(), new Seen()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theHashOfAParentsBodiesDependsOnEveryByteAndOnTheirOrder() {
    long ab = OperationLogCodec.hash(OperationLogCodec.hash(0, "V", "first body".getBytes()), "V", "second".getBytes());
    long ba = OperationLogCodec.hash(OperationLogCodec.hash(0, "V", "second".getBytes()), "V", "first body".getBytes());
    long changed = OperationLogCodec.hash(OperationLogCodec.hash(0, "V", "first bodz".getBytes()), "V", "second".getBytes());
    long renamed = OperationLogCodec.hash(OperationLogCodec.hash(0, "W", "first body".getBytes()), "V", "second".getBytes());

    assertThat(ab).isNotEqualTo(ba).isNotEqualTo(changed).isNotEqualTo(renamed);
    assertThat(OperationLogCodec.hash(OperationLogCodec.hash(0, "V", "first body".getBytes()), "V", "second".getBytes()))
        .isEqualTo(ab);
  }
}
