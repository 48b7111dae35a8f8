package dev.schedulerx.worker.script;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An HTTP job's content: the official {@code HttpAttribute} JSON ({@code url}, {@code method}, {@code cookie},
 * {@code respParseMode}, {@code respCode}, {@code respKey}, {@code respValue}, {@code respStr}, {@code timeout}
 * in seconds, {@code contentType}, {@code httpJobExecutionMode}), with the official defaults: GET, parse mode
 * 2 (JSON key/value), 10 s.
 */
record HttpJob(
    String url,
    String method,
    String cookie,
    int respParseMode,
    Integer respCode,
    String respKey,
    String respValue,
    String respStr,
    int timeoutSeconds,
    String contentType) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final int RESPONSE_CODE = 1;
  static final int CUSTOMIZE_JSON = 2;
  static final int CUSTOMIZE_STRING = 3;
  static final int DEFAULT_TIMEOUT_SECONDS = 10;

  static HttpJob parse(String content) {
    JsonNode node;
    try {
      node = JSON.readTree(content);
    } catch (Exception e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("content of an http job must be a JSON object with url, method, respParseMode…");
    }
    String url = text(node, "url");
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("content of an http job has no url");
    }
    JsonNode mode = node.get("respParseMode");
    JsonNode code = node.get("respCode");
    int timeout = node.path("timeout").asInt(0);
    return new HttpJob(
        url.strip(),
        text(node, "method") == null ? "GET" : text(node, "method"),
        text(node, "cookie"),
        mode == null || mode.isNull() ? CUSTOMIZE_JSON : mode.asInt(-1),
        code == null || code.isNull() ? null : code.asInt(),
        text(node, "respKey"),
        text(node, "respValue"),
        text(node, "respStr"),
        timeout <= 0 ? DEFAULT_TIMEOUT_SECONDS : timeout,
        text(node, "contentType"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
