package dev.schedulerx.worker.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.schedulerx.common.tls.TlsSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Discovery's two GETs against a real HTTP server answering as a SchedulerX console does, or wrongly. */
class DiscoveryTest {
  private static final String ID = "/worker/v1/appgroup/getId";
  private static final String LEADER = "/worker/v1/appgroup/getLeaderAddr";

  private final Map<String, String> answers = new ConcurrentHashMap<>();
  private HttpServer server;
  private ExecutorService executor;
  private Discovery discovery;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/worker/v1/appgroup/", exchange -> {
      byte[] body = answers.getOrDefault(exchange.getRequestURI().getPath(), "").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    executor = Executors.newSingleThreadExecutor();
    discovery = new Discovery("", "127.0.0.1:" + server.getAddress().getPort(), "ns", "group", "key", TlsSettings.OFF, executor);
  }

  @AfterEach
  void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Test
  void findsTheLeaderAndTheGroupsIdWhetherTheIdComesAsANumberOrAsText() throws Exception {
    answers.put(ID, "{\"code\":200,\"success\":true,\"data\":4217,\"extra\":{\"nested\":[1,2]}}");
    answers.put(LEADER, "{\"message\":null,\"success\":true,\"data\":\"10.0.0.7:12345\"}");

    Discovery.Found found = discovery.discover().get(10, TimeUnit.SECONDS);

    assertThat(found.leader()).isEqualTo("10.0.0.7:12345");
    assertThat(found.appGroupId()).isEqualTo(4217);
    assertThat(found.batchStatusReports()).isFalse();

    answers.put(ID, "{\"success\":\"true\",\"data\":\"99\"}");
    assertThat(discovery.discover().get(10, TimeUnit.SECONDS).appGroupId()).isEqualTo(99);
  }

  @Test
  void aRefusalCarriesTheServersMessageAndAnAnswerThatIsNotJsonSaysSo() {
    answers.put(ID, "{\"success\":false,\"message\":\"group not found\"}");
    answers.put(LEADER, "{\"success\":true,\"data\":\"10.0.0.7:12345\"}");
    assertThatThrownBy(() -> discovery.discover().get(10, TimeUnit.SECONDS))
        .hasRootCauseMessage(ID + " refused: group not found");

    answers.put(ID, "{\"success\":false}");
    assertThatThrownBy(() -> discovery.discover().get(10, TimeUnit.SECONDS))
        .hasRootCauseMessage(ID + " refused: HTTP 200");

    answers.put(ID, "<html>gateway</html>");
    assertThatThrownBy(() -> discovery.discover().get(10, TimeUnit.SECONDS))
        .hasRootCauseMessage(ID + " answered HTTP 200 with no JSON");
  }
}
