package dev.schedulerx.server.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Sends an alert to a robot or webhook over HTTP, in the target's own body format and signing (DingTalk,
 * WeCom, Lark/Feishu, Slack, and the generic JSON webhook with schema {@value #SCHEMA}). Every request carries
 * the {@code Idempotency-Key} header. Blocking: called on the alert executor only.
 */
final class WebhookSender {
  /** The generic webhook body's schema name; a receiver can switch on it. */
  static final String SCHEMA = "schedulerx.alert.v1";

  static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
  static final String TIMESTAMP_HEADER = "X-SchedulerX-Timestamp";
  static final String SIGNATURE_HEADER = "X-SchedulerX-Signature";

  private final HttpClient http;
  private final ObjectMapper json;
  private final Clock clock;
  private final Duration timeout;

  WebhookSender(ObjectMapper json, Clock clock, Duration timeout) {
    this.json = json;
    this.clock = clock;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  void send(ChannelSettings channel, Alert alert, String idempotencyKey) throws SendFailure {
    String url = channel.url();
    String body;
    HttpRequest.Builder request = HttpRequest.newBuilder().timeout(timeout)
        .header("Content-Type", "application/json; charset=utf-8")
        .header(IDEMPOTENCY_HEADER, idempotencyKey);
    switch (channel.type()) {
      case ChannelSettings.DINGTALK -> {
        body = write(dingTalk(channel, alert));
        if (!channel.secret().isEmpty()) {
          long ts = clock.millis();
          url = url + (url.contains("?") ? "&" : "?") + "timestamp=" + ts + "&sign=" + Signatures.dingTalk(ts, channel.secret());
        }
      }
      case ChannelSettings.WECOM -> body = write(weCom(channel, alert));
      case ChannelSettings.LARK -> body = write(lark(channel, alert));
      case ChannelSettings.SLACK -> body = write(slack(channel, alert));
      case ChannelSettings.WEBHOOK -> {
        body = write(generic(alert, idempotencyKey));
        long ts = clock.millis() / 1000;
        request.header(TIMESTAMP_HEADER, Long.toString(ts)).header("X-SchedulerX-Event", alert.kind().name());
        if (!channel.secret().isEmpty()) {
          request.header(SIGNATURE_HEADER, "v1=" + Signatures.webhook(ts, body, channel.secret()));
        }
      }
      default -> throw SendFailure.permanent("channel type " + channel.type() + " is not a webhook");
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.uri(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw SendFailure.transientFailure("no answer within " + timeout.toSeconds() + " s");
    } catch (IOException e) {
      throw SendFailure.transientFailure("unreachable: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SendFailure.transientFailure("interrupted");
    } catch (IllegalArgumentException e) {
      throw SendFailure.permanent("bad url: " + e.getMessage());
    }
    check(channel, response);
  }

  private void check(ChannelSettings channel, HttpResponse<String> response) throws SendFailure {
    int status = response.statusCode();
    if (status == 429 || status == 503) {
      throw new SendFailure("HTTP " + status + " " + abbreviate(response.body()), retryAfter(response), false);
    }
    if (status >= 500) {
      throw SendFailure.transientFailure("HTTP " + status + " " + abbreviate(response.body()));
    }
    if (status >= 400) {
      // A bad token, a missing keyword, a deleted robot: sending the same again does not help.
      throw SendFailure.permanent("HTTP " + status + " " + abbreviate(response.body()));
    }
    if (status >= 300) {
      throw SendFailure.permanent("HTTP " + status + " (redirects are not followed)");
    }
    switch (channel.type()) {
      case ChannelSettings.DINGTALK, ChannelSettings.WECOM -> requireZero(response.body(), "errcode", "errmsg");
      case ChannelSettings.LARK -> requireZero(response.body(), "code", "msg");
      default -> { }
    }
  }

  /** DingTalk and WeCom answer HTTP 200 with {errcode: 0}; anything else is the robot refusing the message. */
  private void requireZero(String body, String codeField, String messageField) throws SendFailure {
    JsonNode reply;
    try {
      reply = json.readTree(body);
    } catch (IOException e) {
      throw SendFailure.transientFailure("unreadable answer: " + abbreviate(body));
    }
    JsonNode code = reply.path(codeField);
    if (code.isMissingNode() && reply.has("StatusCode")) {
      code = reply.path("StatusCode"); // older Lark bots
    }
    if (!code.isMissingNode() && code.asInt(0) != 0) {
      String message = codeField + " " + code.asText() + ": " + reply.path(messageField).asText("");
      // 130101 (DingTalk) / 45009 (WeCom) / 11232 (Lark): sent too fast; anything else is configuration.
      int c = code.asInt();
      if (c == 130101 || c == 45009 || c == 11232 || c == 9499) {
        throw new SendFailure(message, Duration.ofMinutes(1), false);
      }
      throw SendFailure.permanent(message);
    }
  }

  private static Duration retryAfter(HttpResponse<?> response) {
    String value = response.headers().firstValue("Retry-After").orElse("").trim();
    if (value.isEmpty()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        return Duration.between(java.time.Instant.now(), at.toInstant()).isNegative()
            ? Duration.ZERO : Duration.between(java.time.Instant.now(), at.toInstant());
      } catch (DateTimeParseException ignored) {
        return null;
      }
    }
  }

  private ObjectNode dingTalk(ChannelSettings channel, Alert alert) {
    ObjectNode body = json.createObjectNode().put("msgtype", "text");
    body.putObject("text").put("content", withKeyword(channel, alert.text()));
    ObjectNode at = body.putObject("at");
    ArrayNode mobiles = at.putArray("atMobiles");
    channel.atMobiles().forEach(mobiles::add);
    at.put("isAtAll", channel.atAll() || alert.mentionAll());
    return body;
  }

  private ObjectNode weCom(ChannelSettings channel, Alert alert) {
    ObjectNode body = json.createObjectNode().put("msgtype", "text");
    ObjectNode text = body.putObject("text").put("content", truncateUtf8(withKeyword(channel, alert.text()), 2048));
    if (channel.atAll() || alert.mentionAll()) {
      text.putArray("mentioned_list").add("@all");
    }
    ArrayNode mobiles = text.putArray("mentioned_mobile_list");
    channel.atMobiles().forEach(mobiles::add);
    return body;
  }

  private ObjectNode lark(ChannelSettings channel, Alert alert) {
    ObjectNode body = json.createObjectNode();
    if (!channel.secret().isEmpty()) {
      long ts = clock.millis() / 1000;
      body.put("timestamp", Long.toString(ts)).put("sign", Signatures.lark(ts, channel.secret()));
    }
    String text = withKeyword(channel, alert.text());
    if (channel.atAll() || alert.mentionAll()) {
      text = text + "\n<at user_id=\"all\">所有人</at>";
    }
    body.put("msg_type", "text").putObject("content").put("text", text);
    return body;
  }

  private ObjectNode slack(ChannelSettings channel, Alert alert) {
    String text = withKeyword(channel, alert.text());
    return json.createObjectNode().put("text", channel.atAll() || alert.mentionAll() ? "<!channel> " + text : text);
  }

  /** The versioned body of the generic webhook. */
  ObjectNode generic(Alert alert, String idempotencyKey) {
    ObjectNode body = json.createObjectNode()
        .put("schema", SCHEMA)
        .put("id", idempotencyKey)
        .put("type", alert.kind().name())
        .put("severity", alert.kind().severity())
        .put("title", alert.title())
        .put("group", alert.groupId())
        .put("reason", alert.reason())
        .put("count", alert.count())
        .put("link", alert.link())
        .put("raisedAt", String.valueOf(alert.raisedAt()));
    if (alert.jobId() != null || alert.jobName() != null) {
      ObjectNode job = body.putObject("job");
      if (alert.jobId() != null) {
        job.put("id", alert.jobId());
      }
      job.put("name", alert.jobName());
    }
    if (alert.workflow() != null) {
      body.putObject("workflow").put("id", alert.workflow().id()).put("name", alert.workflow().name())
          .put("instanceId", alert.workflow().instanceId());
    }
    if (alert.instanceId() != null) {
      ObjectNode instance = body.putObject("instance").put("id", alert.instanceId());
      if (alert.attempt() != null) {
        instance.put("attempt", alert.attempt());
      }
      instance.put("worker", alert.worker());
      putTime(instance, "scheduleTime", alert.scheduleTime());
      putTime(instance, "startTime", alert.startTime());
      putTime(instance, "endTime", alert.endTime());
    }
    ArrayNode details = body.putArray("details");
    alert.details().forEach(details::add);
    body.put("text", alert.text());
    return body;
  }

  private static void putTime(ObjectNode node, String field, java.time.Instant t) {
    if (t != null) {
      node.put(field, t.toString());
    }
  }

  private static String withKeyword(ChannelSettings channel, String text) {
    String k = channel.keyword();
    return k.isEmpty() || text.contains(k) ? text : k + " " + text;
  }

  private String write(JsonNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String truncateUtf8(String s, int maxBytes) {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (b.length <= maxBytes) {
      return s;
    }
    String cut = new String(b, 0, maxBytes - 3, java.nio.charset.StandardCharsets.UTF_8);
    return cut.substring(0, Math.max(0, cut.length() - 1)) + "...";
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    String one = s.replaceAll("\\s+", " ").trim();
    return one.length() <= 200 ? one : one.substring(0, 200) + "...";
  }
}
