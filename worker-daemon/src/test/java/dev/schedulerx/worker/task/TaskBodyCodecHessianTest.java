package dev.schedulerx.worker.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Task bodies as the official Java worker (schedulerx2-worker 1.11.4, HessianUtil) writes them: the golden
 * bytes below were produced by that worker's own serializer.
 */
class TaskBodyCodecHessianTest {
  private final TaskBodyCodec codec = new TaskBodyCodec();

  /** The official worker's bytes for a bean {@code G$Order{String id = "id_1"; int value = 1}}. */
  private static final String OFFICIAL_BEAN =
      "4d74000747244f72646572530002696453000469645f3153000576616c756549000000017a";

  record Order(String id, int value) {}

  /** The official worker's bytes for its {@code ShardingTask(3, "Shanghai")}, a sharding instance's task body. */
  private static final String OFFICIAL_SHARD =
      "4d740031636f6d2e616c69626162612e7363686564756c6572782e776f726b65722e646f6d61696e2e5368617264696e675461736b"
          + "53000269644c0000000000000003530009706172616d657465725300085368616e676861697a";

  @Test
  void aShardIsWrittenAsTheOfficialWorkerWritesItAndReadFromJavaAndGoMasters() {
    TaskBodyCodec.Shard shard = new TaskBodyCodec.Shard(3, "Shanghai");

    assertThat(HexFormat.of().formatHex(codec.encodeShard(shard))).isEqualTo(OFFICIAL_SHARD);
    assertThat(codec.decodeShard(hex(OFFICIAL_SHARD))).isEqualTo(shard);
    assertThat(codec.decodeShard("{\"id\":3,\"parameter\":\"Shanghai\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isEqualTo(shard);
    assertThatIllegalArgumentException().isThrownBy(() -> codec.decodeShard(codec.encode("plain text")))
        .withMessage("task body is not a shard (no numeric id)");
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  enum Kind { SMALL, LARGE }

  record Inner(String name, List<Integer> values) {}

  record Everything(int i, long small, long big, short s, byte b, float f, double d, java.math.BigDecimal decimal,
      java.math.BigInteger huge, String text, String none, boolean yes, Boolean no, byte[] raw, char c, Kind kind,
      java.util.Date date, Inner inner, List<Object> mixed, Map<String, Object> map, int[] ints) {}

  @Test
  void aBeanIsWrittenAsItsJacksonMapWouldBeWritten() {
    Map<String, Object> map = new java.util.LinkedHashMap<>();
    map.put("k", 1);
    map.put("n", null);
    map.put("nested", Map.of("x", List.of(1L << 40)));
    Everything bean = new Everything(7, 8L, 1L << 40, (short) 3, (byte) 2, 1.5f, 2.25, new java.math.BigDecimal("3.14159"),
        new java.math.BigInteger("123456789012345678901234567890"), "héllo", null, true, false, new byte[] {1, 2, 3}, 'x',
        Kind.LARGE, new java.util.Date(1_700_000_000_000L), new Inner("in", List.of(1, 2)),
        java.util.Arrays.asList("a", null, 2.5, List.of()), map, new int[] {4, 5});
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();

    byte[] viaMap = Hessian1.write(json.convertValue(bean, Map.class), Everything.class.getName());

    assertThat(HexFormat.of().formatHex(codec.encode(bean))).isEqualTo(HexFormat.of().formatHex(viaMap));
    assertThat(codec.decode(codec.encode(bean), Map.class)).containsEntry("text", "héllo").containsEntry("big", 1L << 40);
  }

  @Test
  void readsWhatTheOfficialWorkerWritesForIntegersLongsStringsAndBeans() {
    assertThat(codec.decode(hex("4900000007"), Integer.class)).isEqualTo(7);
    assertThat(codec.decode(hex("4c00000000000001f4"), Long.class)).isEqualTo(500L);
    assertThat(codec.decode(hex("53000568c3a96c6c6f"), String.class)).isEqualTo("héllo");
    assertThat(codec.decode(hex(OFFICIAL_BEAN), Order.class)).isEqualTo(new Order("id_1", 1));
    assertThat(codec.decode(hex(OFFICIAL_BEAN), Map.class)).isEqualTo(Map.of("id", "id_1", "value", 1));
  }

  @Test
  void writesWhatTheOfficialWorkerReads() {
    assertThat(HexFormat.of().formatHex(codec.encode(7))).isEqualTo("4900000007");
    assertThat(HexFormat.of().formatHex(codec.encode(500L))).isEqualTo("4c00000000000001f4");
    assertThat(HexFormat.of().formatHex(codec.encode("héllo"))).isEqualTo("53000568c3a96c6c6f");
    assertThat(HexFormat.of().formatHex(codec.encode("MAP_TASK_ROOT"))).isEqualTo("53000d4d41505f5441534b5f524f4f54");
    // A record goes as a map typed by its class name, fields in declaration order, like the official bean.
    assertThat(HexFormat.of().formatHex(codec.encode(new Order("id_1", 1))))
        .isEqualTo("4d7400" + Integer.toHexString(Order.class.getName().length())
            + HexFormat.of().formatHex(Order.class.getName().getBytes()) + OFFICIAL_BEAN.substring(22));
  }

  @Test
  void roundTripsListsMapsBytesAndLongStrings() {
    String big = "x".repeat(70_000) + "é";
    assertThat(codec.decode(codec.encode(big), String.class)).isEqualTo(big);
    assertThat(codec.decode(codec.encode(List.of(1, "two", List.of(3L))), List.class)).isEqualTo(List.of(1, "two", List.of(3L)));
    assertThat(codec.decode(codec.encode(Map.of("k", true)), Map.class)).isEqualTo(Map.of("k", true));
  }

  @Test
  void stillReadsJsonBodiesOfGoStylePeers() {
    assertThat(codec.decode("{\"id\":\"id_2\",\"value\":2}".getBytes(), Order.class)).isEqualTo(new Order("id_2", 2));
    assertThat(codec.decode("\"MAP_TASK_ROOT\"".getBytes(), String.class)).isEqualTo("MAP_TASK_ROOT");
  }

  @Test
  void aTruncatedHessianBodyIsRefusedWithAOneLineReason() {
    assertThatIllegalArgumentException().isThrownBy(() -> codec.decode(hex("49000000"), Integer.class))
        .withMessageContaining("ends early");
  }
}
