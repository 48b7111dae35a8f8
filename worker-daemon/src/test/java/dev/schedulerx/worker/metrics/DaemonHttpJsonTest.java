package dev.schedulerx.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The health body is written by hand: whatever a reason holds, a JSON parser reads back the same text. */
class DaemonHttpJsonTest {
  @Test
  void stringsWithQuotesBackslashesAndControlCharactersRoundTrip() throws Exception {
    String reason = "heartbeat to \"127.0.0.1:1\" unanswered: C:\\path\tline\nnext\u0001 é";
    StringBuilder json = new StringBuilder();
    DaemonHttp.string(json, reason);
    assertThat(new ObjectMapper().readValue(json.toString(), String.class)).isEqualTo(reason);
  }
}
