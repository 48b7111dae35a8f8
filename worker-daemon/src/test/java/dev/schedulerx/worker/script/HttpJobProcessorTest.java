package dev.schedulerx.worker.script;

import static dev.schedulerx.worker.script.ScriptJobs.context;
import static dev.schedulerx.worker.script.ScriptJobs.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.schedulerx.api.InstanceStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpJobProcessorTest {
  private HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);
  /** What the server received, by path: method, headers and body. */
  private final Map<String, HttpExchangeSeen> seen = new ConcurrentHashMap<>();

  record HttpExchangeSeen(String method, Map<String, String> headers, String body) {}

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/json", ex -> answer(ex, 200, "{\"code\":\"OK\",\"count\":3,\"ok\":true}"));
    server.createContext("/created", ex -> answer(ex, 201, "made it"));
    server.createContext("/text", ex -> answer(ex, 200, "done"));
    server.createContext("/broken", ex -> answer(ex, 500, "{\"code\":\"OK\"}"));
    server.createContext("/slow", ex -> {
      try {
        release.await(); // answers only when the test ends
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      answer(ex, 200, "late");
    });
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private void answer(HttpExchange ex, int status, String body) throws IOException {
    Map<String, String> headers = new ConcurrentHashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
    seen.put(ex.getRequestURI().getPath(), new HttpExchangeSeen(ex.getRequestMethod(), headers,
        new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private static HttpJobProcessor processor() {
    return new HttpJobProcessor(new ScriptSettings.Http(true, Set.of()));
  }

  private ScriptJobs.Run http(String attributes) throws Exception {
    return http(processor(), attributes, "");
  }

  private ScriptJobs.Run http(HttpJobProcessor processor, String attributes, String parameters) throws Exception {
    return run(processor, context("http", attributes, "", parameters, ""));
  }

  @Test
  void jsonModeSucceedsWhenTheKeyHasTheExpectedValue() throws Exception {
    var run = http("{\"url\":\"" + url("/json") + "\",\"method\":\"GET\",\"respParseMode\":2,\"respKey\":\"code\",\"respValue\":\"OK\"}");

    assertThat(run.result().status()).isEqualTo(InstanceStatus.SUCCESS);
    assertThat(run.result().result()).isEqualTo("{\"code\":\"OK\",\"count\":3,\"ok\":true}");
    assertThat(run.output()).contains("Http Request URL: " + url("/json"),
        "Http response content: {\"code\":\"OK\",\"count\":3,\"ok\":true}", "http callback success");
    HttpExchangeSeen request = seen.get("/json");
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.headers()).containsEntry("schedulerx-jobid", "42").containsEntry("schedulerx-user", "tester")
        .containsEntry("schedulerx-scheduletimestamp", Long.toString(ScriptJobs.SCHEDULED.toEpochMilli()));
  }

  @Test
  void jsonModeComparesNumbersAsTextAndFailsOnAnotherValue() throws Exception {
    assertThat(http("{\"url\":\"" + url("/json") + "\",\"respKey\":\"count\",\"respValue\":\"3\"}").result().status())
        .isEqualTo(InstanceStatus.SUCCESS); // respParseMode 2 is the default
    var run = http("{\"url\":\"" + url("/json") + "\",\"respParseMode\":2,\"respKey\":\"code\",\"respValue\":\"DONE\"}");

    assertThat(run.result().status()).isEqualTo(InstanceStatus.FAILED);
    assertThat(run.result().result())
        .isEqualTo("The returned value is different from the expected value: {\"code\":\"OK\",\"count\":3,\"ok\":true}");
    assertThat(run.output()).contains("http callback failed: " + run.result().result());
  }

  @Test
  void jsonModeNeedsStatus200AndAJsonBody() throws Exception {
    var broken = http("{\"url\":\"" + url("/broken") + "\",\"respParseMode\":2,\"respKey\":\"code\",\"respValue\":\"OK\"}");
    var text = http("{\"url\":\"" + url("/text") + "\",\"respParseMode\":2,\"respKey\":\"code\",\"respValue\":\"OK\"}");

    assertThat(broken.result().result()).matches(
        "http response code is not 200, response code=500, uri=http://127.0.0.1:\\d+/broken, jobId=42, jobInstanceId=\\d+");
    assertThat(text.result().result()).matches("Json parse failed, jobId=42, jobInstanceId=\\d+");
  }

  @Test
  void responseCodeModeComparesTheStatus() throws Exception {
    var ok = http("{\"url\":\"" + url("/created") + "\",\"respParseMode\":1,\"respCode\":201}");
    var other = http("{\"url\":\"" + url("/created") + "\",\"respParseMode\":1,\"respCode\":200}");

    assertThat(ok.result().status()).isEqualTo(InstanceStatus.SUCCESS);
    assertThat(ok.result().result()).isEqualTo("made it");
    assertThat(other.result().status()).isEqualTo(InstanceStatus.FAILED);
    assertThat(other.result().result())
        .isEqualTo("http responseCode is different from the expected value,expected value=200, actual value=201");
  }

  @Test
  void stringModeComparesTheBody() throws Exception {
    var ok = http("{\"url\":\"" + url("/text") + "\",\"respParseMode\":3,\"respStr\":\"done\"}");
    var other = http("{\"url\":\"" + url("/text") + "\",\"respParseMode\":3,\"respStr\":\"finished\"}");

    assertThat(ok.result().status()).isEqualTo(InstanceStatus.SUCCESS);
    assertThat(ok.result().result()).isEqualTo("done");
    assertThat(other.result().result())
        .isEqualTo("http returned value different from the expected value, expected value=finished, actual value=done");
  }

  @Test
  void postSendsTheParametersAsTheBodyWithTheContentType() throws Exception {
    var run = http(processor(), "{\"url\":\"" + url("/text") + "\",\"method\":\"POST\",\"contentType\":\"application/json\","
        + "\"respParseMode\":3,\"respStr\":\"done\",\"cookie\":\"session=abc\"}", "{\"day\":\"2026-12-02\"}");

    assertThat(run.result().status()).isEqualTo(InstanceStatus.SUCCESS);
    HttpExchangeSeen request = seen.get("/text");
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.body()).isEqualTo("{\"day\":\"2026-12-02\"}");
    assertThat(request.headers()).containsEntry("content-type", "application/json; charset=UTF-8").containsEntry("cookie", "session=abc");
    assertThat(run.output()).contains("Http Request Parameters: {\"day\":\"2026-12-02\"}");
  }

  @Test
  void aSlowServerHitsTheJobsTimeout() throws Exception {
    long start = System.nanoTime();
    var run = http("{\"url\":\"" + url("/slow") + "\",\"timeout\":1,\"respParseMode\":3,\"respStr\":\"late\"}");

    assertThat(run.result().status()).isEqualTo(InstanceStatus.FAILED);
    assertThat(run.result().result()).matches("http execute timeout, jobId=42, jobInstanceId=\\d+");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(5));
  }

  @Test
  void anUnreachableServerFailsAsAnExecuteError() throws Exception {
    int port = server.getAddress().getPort();
    server.stop(0);
    var run = http("{\"url\":\"http://127.0.0.1:" + port + "/json\"}");

    assertThat(run.result().result()).matches("http execute error, jobId=42, jobInstanceId=\\d+");
  }

  @Test
  void disabledOrNotAllowedHostsAreRefusedNamingTheSetting() throws Exception {
    var disabled = http(new HttpJobProcessor(new ScriptSettings.Http(false, Set.of())), "{\"url\":\"" + url("/json") + "\"}", "");
    var elsewhere = http(new HttpJobProcessor(new ScriptSettings.Http(true, Set.of("api.example.com"))), "{\"url\":\"" + url("/json") + "\"}", "");

    assertThat(disabled.result().result())
        .isEqualTo("http jobs are disabled on worker 127.0.0.1:1: set schedulerx.worker.http-jobs.enabled = true in its conf/worker.conf");
    assertThat(elsewhere.result().result())
        .isEqualTo("host 127.0.0.1 is not allowed on worker 127.0.0.1:1: add it to schedulerx.worker.http-jobs.allowed-hosts");
    assertThat(seen).isEmpty();
  }

  @Test
  void contentThatIsNoRequestFailsClearly() throws Exception {
    assertThat(http("echo hi").result().result())
        .isEqualTo("content of an http job must be a JSON object with url, method, respParseMode…");
    assertThat(http("{\"url\":\"ftp://127.0.0.1/x\"}").result().result())
        .isEqualTo("url ftp://127.0.0.1/x of the http job is not http:// or https://");
  }
}
