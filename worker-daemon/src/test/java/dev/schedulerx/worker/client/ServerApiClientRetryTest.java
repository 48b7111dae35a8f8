package dev.schedulerx.worker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the CLI treats a follower that cannot relay to its leader (a real HTTP server plays the follower): a 503
 * means nothing reached the leader, so the request is sent again until a new leader answers; a 504 means the
 * leader may have acted, so it is reported, never repeated (a repeated trigger could start a second run).
 */
class ServerApiClientRetryTest {
  private HttpServer follower;
  private final AtomicInteger requests = new AtomicInteger();

  private String serve(List<Integer> statuses, String finalBody) throws Exception {
    follower = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    follower.createContext("/", exchange -> {
      int n = requests.getAndIncrement();
      int status = n < statuses.size() ? statuses.get(n) : 200;
      byte[] body = (status == 200 ? finalBody : "{\"error\":\"leader unavailable (" + status + ")\"}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    follower.start();
    return "127.0.0.1:" + follower.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (follower != null) {
      follower.stop(0);
    }
  }

  @Test
  void aTriggerRefusedWith503DuringAnElectionIsSentAgainUntilTheNewLeaderTakesIt() throws Exception {
    ServerApiClient client = new ServerApiClient(serve(List.of(503, 503), "{\"instanceId\":7}"), "g", "");

    assertThat(client.trigger("hello", "x")).isEqualTo(7);
    assertThat(requests).hasValue(3);
  }

  @Test
  void a504IsReportedAtOnceBecauseTheLeaderMayHaveActed() throws Exception {
    ServerApiClient client = new ServerApiClient(serve(List.of(504), "{\"instanceId\":7}"), "g", "");

    assertThatThrownBy(() -> client.trigger("hello", "x"))
        .isInstanceOfSatisfying(ServerApiClient.ApiException.class, e -> assertThat(e.status()).isEqualTo(504))
        .hasMessage("leader unavailable (504)");
    assertThat(requests).hasValue(1);
  }
}
