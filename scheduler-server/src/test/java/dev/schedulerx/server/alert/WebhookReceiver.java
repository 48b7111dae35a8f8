package dev.schedulerx.server.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * A real HTTP server standing in for a robot or webhook target: records every request and answers what the test
 * scripted (by default 200 with DingTalk's {@code {"errcode":0,"errmsg":"ok"}}).
 */
public final class WebhookReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  public record Request(Instant at, String path, String query, Map<String, List<String>> headers, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0))
          .findFirst().orElse(null);
    }

    public String queryParam(String name) {
      if (query == null) {
        return null;
      }
      for (String pair : query.split("&")) {
        String[] kv = pair.split("=", 2);
        if (kv[0].equals(name)) {
          return kv.length > 1 ? kv[1] : "";
        }
      }
      return null;
    }
  }

  public record Answer(int status, Map<String, String> headers, String body) {}

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
  private volatile Answer otherwise = new Answer(200, Map.of(), "{\"errcode\":0,\"errmsg\":\"ok\"}");

  public WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(new Request(Instant.now(), exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(),
          Map.copyOf(exchange.getRequestHeaders()), body));
      Answer a = script.poll();
      if (a == null) {
        a = otherwise;
      }
      a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        exchange.getResponseBody().write(out);
      }
      exchange.close();
    });
    server.start();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The next answers, in order; afterwards {@link #otherwise}. */
  public WebhookReceiver thenAnswer(int status, Map<String, String> headers, String body) {
    script.add(new Answer(status, headers, body));
    return this;
  }

  public WebhookReceiver otherwise(int status, String body) {
    otherwise = new Answer(status, Map.of(), body);
    return this;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Requests per idempotency key. */
  public Map<String, Long> byIdempotencyKey() {
    return requests.stream().collect(Collectors.groupingBy(r -> String.valueOf(r.header("Idempotency-Key")),
        Collectors.counting()));
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
