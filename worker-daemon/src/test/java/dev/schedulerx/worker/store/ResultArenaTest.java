package dev.schedulerx.worker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Results packed as UTF-8 into 1 MiB chunks: what goes in comes out, whatever the chunk boundaries. */
class ResultArenaTest {
  private static final int CHUNK = 1 << 20;

  private final ResultArena arena = new ResultArena();

  @Test
  void anEmptyResultComesBackEmptyFirstOrLater() {
    arena.put(0, "");
    arena.put(1, "x");
    arena.put(2, "");

    assertThat(arena.get(0)).isEmpty();
    assertThat(arena.get(1)).isEqualTo("x");
    assertThat(arena.get(2)).isEmpty();
  }

  @Test
  void aNullResultIsStoredAsEmpty() {
    arena.put(3, null);

    assertThat(arena.get(3)).isEmpty();
  }

  @Test
  void multiByteTextRoundTrips() {
    String text = "héllo wörld 世界 🎉 ÆØÅ";
    arena.put(0, text);
    arena.put(1, "🎉".repeat(1000));

    assertThat(arena.get(0)).isEqualTo(text);
    assertThat(arena.get(1)).isEqualTo("🎉".repeat(1000));
  }

  @Test
  void manyResultsCrossingChunkBoundariesAllComeBackIntact() {
    // ~3.4 MiB of results of varying sizes, mixing one- to four-byte characters, so results start and
    // end at arbitrary offsets and several land where a chunk is too full for them.
    int n = 8000;
    long bytes = 0;
    for (int id = 0; id < n; id++) {
      String r = result(id);
      bytes += r.getBytes(StandardCharsets.UTF_8).length;
      arena.put(id, r);
    }
    assertThat(bytes).isGreaterThan(3L * CHUNK);

    for (int id = 0; id < n; id++) {
      if (!result(id).equals(arena.get(id))) {
        assertThat(arena.get(id)).as("result of task %d", id).isEqualTo(result(id));
      }
    }
  }

  @Test
  void resultsFillingAChunkExactlyAreKeptAndTheNextGoesToANewChunk() {
    arena.put(0, "a".repeat(CHUNK - 1));
    arena.put(1, "b"); // the chunk is now exactly full
    arena.put(2, "cd");

    assertThat(arena.get(0)).hasSize(CHUNK - 1);
    assertThat(arena.get(1)).isEqualTo("b");
    assertThat(arena.get(2)).isEqualTo("cd");
  }

  @Test
  void anEmptyResultAfterAnExactlyFullChunkComesBackEmpty() {
    arena.put(0, "a".repeat(CHUNK - 1));
    arena.put(1, "b"); // the chunk is now exactly full
    arena.put(2, "");

    assertThat(arena.get(2)).isEmpty();
    assertThat(arena.get(1)).isEqualTo("b");
  }

  @Test
  void aResultLongerThanAChunkIsCutToAChunk() {
    arena.put(0, "z".repeat(CHUNK + 10));

    assertThat(arena.get(0)).hasSize(CHUNK - 1).matches("z+");
  }

  @Test
  void absentIdsGiveNull() {
    arena.put(0, "zero");
    arena.put(5, "five");

    assertThat(arena.get(-1)).isNull();
    assertThat(arena.get(1)).isNull();
    assertThat(arena.get(4)).isNull();
    assertThat(arena.get(6)).isNull();
    assertThat(arena.get(1023)).isNull();
    assertThat(arena.get(1_000_000)).isNull();
    assertThat(arena.get(Long.MAX_VALUE)).isNull();
  }

  @Test
  void sparseIdsBeyondTheInitialIndexAreStored() {
    arena.put(100_000, "far");

    assertThat(arena.get(100_000)).isEqualTo("far");
    assertThat(arena.get(99_999)).isNull();
    assertThat(arena.get(100_001)).isNull();
  }

  /** Between 0 and ~1,400 bytes, with characters of every UTF-8 length. */
  private static String result(int id) {
    String unit = switch (id % 4) {
      case 0 -> "a";
      case 1 -> "é";
      case 2 -> "世";
      default -> "🎉";
    };
    return id + ":" + unit.repeat((id * 37) % 350);
  }
}
