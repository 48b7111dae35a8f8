package dev.schedulerx.interop;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP pass-through on 127.0.0.1 that the official workers use as their domain: it forwards every request
 * to our server unchanged and records what was asked and what our server answered.
 */
final class RecordingProxy implements AutoCloseable {
  /** One request the worker made and our server's answer. */
  record Call(String method, String path, String query, int status, String body) {}

  private final HttpServer http;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String target;
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  private RecordingProxy(String target) throws IOException {
    this.target = target;
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/", this::forward);
    http.setExecutor(executor);
    http.start();
  }

  static RecordingProxy to(String targetHostPort) throws IOException {
    return new RecordingProxy(targetHostPort);
  }

  String domain() {
    return "127.0.0.1:" + http.getAddress().getPort();
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  private void forward(HttpExchange exchange) throws IOException {
    URI uri = exchange.getRequestURI();
    int status;
    String body;
    try {
      byte[] requestBody = exchange.getRequestBody().readAllBytes();
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + target + uri.getRawPath()
              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
          .timeout(Duration.ofSeconds(10))
          .method(exchange.getRequestMethod(), requestBody.length == 0
              ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(requestBody));
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      if (contentType != null) {
        request.header("Content-Type", contentType);
      }
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      status = response.statusCode();
      body = response.body();
      response.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().set("Content-Type", v));
    } catch (IOException | InterruptedException e) {
      status = 502;
      body = "proxy could not reach our server: " + e;
    }
    calls.add(new Call(exchange.getRequestMethod(), uri.getPath(), uri.getQuery(), status, body));
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
