package dev.schedulerx.server.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optional node fields of the DAG JSON: condition nodes and per-node parameters, parsed, checked and written back. */
class DagConditionTest {
  private static final String EDGES = "\"edges\":[{\"source\":1,\"target\":-1},{\"source\":2,\"target\":-1},"
      + "{\"source\":-1,\"target\":3},{\"source\":-1,\"target\":4}]";

  private static Dag parse(String conditionFields) {
    return Dag.parse("{\"nodes\":[{\"id\":1},{\"id\":2},{\"id\":-1,\"type\":\"condition\"" + conditionFields
        + "},{\"id\":3},{\"id\":4,\"parameters\":\"p=4\"}]," + EDGES + "}");
  }

  @Test
  void aConditionAndNodeParametersRoundTripThroughTheCanonicalJson() {
    Dag dag = parse(",\"name\":\"ok?\",\"expect\":{\"1\":\"success\",\"2\":\"failed\"},\"then\":[3]");

    assertThat(dag.jobNodes()).containsExactly(1L, 2L, 3L, 4L);
    Dag.Condition c = dag.conditions().get(-1L);
    assertThat(c.name()).isEqualTo("ok?");
    assertThat(c.expect()).containsExactly(Map.entry(1L, "success"), Map.entry(2L, "failed"));
    assertThat(c.then()).containsExactly(3L);
    assertThat(dag.parameters()).containsExactly(Map.entry(4L, "p=4"));
    assertThat(Dag.parse(dag.toJson())).isEqualTo(dag);
    assertThat(c.holds(Map.of(1L, true, 2L, false))).isTrue();
    assertThat(c.holds(Map.of(1L, true, 2L, true))).isFalse();
  }

  @Test
  void theNamedRulesDecideFromTheParentsOutcomes() {
    Map<Long, Boolean> mixed = Map.of(1L, true, 2L, false);
    assertThat(parse(",\"when\":\"all-succeeded\",\"then\":[3]").conditions().get(-1L).holds(mixed)).isFalse();
    assertThat(parse(",\"when\":\"any-succeeded\",\"then\":[3]").conditions().get(-1L).holds(mixed)).isTrue();
    assertThat(parse(",\"when\":\"all-failed\",\"then\":[3]").conditions().get(-1L).holds(mixed)).isFalse();
    assertThat(parse(",\"when\":\"any-failed\",\"then\":[3]").conditions().get(-1L).holds(mixed)).isTrue();
    assertThat(parse(",\"when\":\"any-failed\",\"then\":[3]").conditions().get(-1L).name()).isEqualTo("condition-1");
  }

  @Test
  void aMalformedConditionIsRefusedWithTheReason() {
    assertThatThrownBy(() -> parse(",\"when\":\"sometimes\",\"then\":[3]")).hasMessageContaining("when must be one of");
    assertThatThrownBy(() -> parse(",\"then\":[3]")).hasMessageContaining("exactly one of \"when\"");
    assertThatThrownBy(() -> parse(",\"when\":\"any-failed\",\"then\":[1]")).hasMessageContaining("not one of its children");
    assertThatThrownBy(() -> parse(",\"expect\":{\"3\":\"success\"},\"then\":[3]")).hasMessageContaining("not one of its parents");
    assertThatThrownBy(() -> parse(",\"expect\":{\"1\":\"maybe\"},\"then\":[3]")).hasMessageContaining("\"success\" or \"failed\"");
    assertThatThrownBy(() -> parse(",\"when\":\"any-failed\"")).hasMessageContaining("then must list");
    assertThatThrownBy(() -> Dag.parse("{\"nodes\":[{\"id\":5,\"type\":\"condition\"}],\"edges\":[]}"))
        .hasMessageContaining("needs a negative id");
    assertThatThrownBy(() -> Dag.parse("{\"nodes\":[{\"id\":-5}],\"edges\":[]}")).hasMessageContaining("negative ids are for");
    assertThatThrownBy(() -> Dag.parse("{\"nodes\":[{\"id\":-5,\"type\":\"condition\",\"when\":\"any-failed\",\"then\":[]}],\"edges\":[]}"))
        .hasMessageContaining("has no parent");
    assertThatThrownBy(() -> Dag.parse("{\"nodes\":[{\"id\":5,\"parameters\":3}],\"edges\":[]}"))
        .hasMessageContaining("parameters must be a string");
  }

  @Test
  void aPlainSchedulerxDagStaysAsItWas() {
    String plain = "{\"nodes\":[{\"id\":1609},{\"id\":1678}],\"edges\":[{\"source\":1609,\"target\":1678}]}";
    Dag dag = Dag.parse(plain);
    assertThat(dag.toJson()).isEqualTo(plain);
    assertThat(dag.conditions()).isEmpty();
    assertThat(dag.parameters()).isEmpty();
  }
}
