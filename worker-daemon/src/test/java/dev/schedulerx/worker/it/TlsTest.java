package dev.schedulerx.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schedulerx.common.tls.TlsSettings;
import dev.schedulerx.server.SchedulerServer;
import dev.schedulerx.server.config.ServerSettings;
import dev.schedulerx.worker.WorkerDaemon;
import dev.schedulerx.worker.client.ServerApiClient;
import dev.schedulerx.worker.config.WorkerSettings;
import dev.schedulerx.worker.instance.TestPlugins;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server with HTTPS and remoting over TLS (akka.ssl.tcp), and a daemon that trusts its certificate. */
class TlsTest {
  /** Generous: TLS handshakes of a cold JVM on a busy 2-core machine take seconds. */
  private static final Duration DEADLINE = Duration.ofSeconds(45);
  private static final String PASSWORD = "test-pass";

  @TempDir static Path stores;
  private static TlsSettings tls;
  @TempDir Path dir;
  private SchedulerServer server;
  private WorkerDaemon daemon;

  /** One self-signed certificate for 127.0.0.1/localhost, as keytool makes it; every node uses it. */
  @BeforeAll
  static void makeKeyStores() throws Exception {
    Path keyStore = stores.resolve("node.p12");
    Path cert = stores.resolve("node.crt");
    Path trustStore = stores.resolve("trust.p12");
    keytool("-genkeypair", "-alias", "node", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
        "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-exportcert", "-alias", "node", "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", "node", "-file", cert.toString(),
        "-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", PASSWORD);
    tls = new TlsSettings(true, true, keyStore.toString(), PASSWORD, trustStore.toString(), PASSWORD);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void startServer() {
    ServerSettings settings =
        new ServerSettings("127.0.0.1", 0, 0, dir,
            new ServerSettings.DatabaseSettings("jdbc:h2:mem:tls-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 4),
            Duration.ofSeconds(9), Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofDays(1),
            List.of(new ServerSettings.AppGroup("ns", TestServer.GROUP, TestServer.APP_KEY)),
            ServerSettings.ApiSecurity.DEFAULT, ServerSettings.Lease.DEFAULT, tls);
    server = SchedulerServer.builder(settings).build().start();
  }

  private String domain() {
    return "127.0.0.1:" + server.httpPort();
  }

  @Test
  void aDaemonRegistersAndRunsAJobOverHttpsAndTlsRemoting() throws Exception {
    startServer();
    WorkerSettings settings = TestDaemons.settings(domain(), TestServer.APP_KEY, dir, Map.of(
        "tls.http", true, "tls.remoting", true, "tls.key-store", tls.keyStore(), "tls.key-store-password", PASSWORD,
        "tls.trust-store", tls.trustStore(), "tls.trust-store-password", PASSWORD));
    daemon = WorkerDaemon.builder(settings).pluginSource(TestPlugins.source(dir.resolve("plugins"))).build().start();
    daemon.awaitReady(DEADLINE);

    ServerApiClient api = new ServerApiClient(domain(), TestServer.GROUP, "", tls);
    assertThat(api.workers()).hasSize(1);
    api.upsertJob(Map.of("group", TestServer.GROUP, "name", "hello", "processor", "Parameters", "parameters", "tls"));
    long id = api.trigger("hello", "world");
    await().atMost(DEADLINE).until(() -> api.instance(id).path("finishedAt").isTextual());
    JsonNode instance = api.instance(id);
    assertThat(instance.path("state").asText()).isEqualTo("SUCCESS");
    assertThat(instance.path("result").asText()).isEqualTo("job=tls instance=world");
    // the processor's log line travels to the server over HTTPS too
    await().atMost(DEADLINE).until(() -> api.logs(id, 0, 100).path("lines").toString().contains("given job=tls instance=world"));
  }

  @Test
  void plainHttpToTheTlsPortGetsNoAnswerAndAClientWithoutTheCertificateIsRefused() throws Exception {
    startServer();
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + domain() + "/api/v1/jobs")).timeout(Duration.ofSeconds(5)).build();
    Throwable plainFailure = catchThrowable(() -> {
      HttpResponse<String> r = plain.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("plain HTTP on the TLS port").isGreaterThanOrEqualTo(400);
      throw new IOException("HTTP " + r.statusCode());
    });
    assertThat(plainFailure).isInstanceOf(IOException.class);

    Throwable untrusted = catchThrowable(() -> new ServerApiClient(domain(), TestServer.GROUP, "", 
        new TlsSettings(true, false, "", "", "", "")).jobs());
    assertThat(untrusted).isInstanceOf(ServerApiClient.ApiException.class).hasMessageContaining("failed");

    assertThat(new ServerApiClient(domain(), TestServer.GROUP, "", tls).jobs().isArray()).isTrue();
  }
}
