package dev.schedulerx.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.schedulerx.job.MonitorSettings;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.store.ServerDatabase;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Alert mail through a real SMTP server (GreenMail), to a mail channel and to a job contact's userMail. */
class AlertMailTest {
  private final ServerDatabase database =
      ServerDatabase.open("jdbc:h2:mem:alertmail-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 4);
  private GreenMail smtp;
  private AlertService service;

  @AfterEach
  void close() throws Exception {
    if (service != null) {
      service.close();
    }
    if (smtp != null) {
      smtp.stop();
    }
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP ALL OBJECTS");
    } finally {
      database.close();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void anAlertReachesTheChannelsRecipientsAndTheContactsMailboxWithItsFacts() throws Exception {
    smtp = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    AlertSettings settings = new AlertSettings(true, "", List.of(new ChannelSettings("oncall", "mail", "", "", "", false,
        List.of(), List.of("oncall@example.com"), 0, null, List.of(), null)), List.of(), 2, Duration.ofMillis(100),
        Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMillis(30), Duration.ofSeconds(3),
        new AlertSettings.Smtp("127.0.0.1", smtp.getSmtp().getPort(), "", "", "sx@example.com", false));
    service = new AlertService(settings, database.dataSource(), new JobRepository(database.dataSource()),
        new InstanceRepository(database.dataSource()), job -> Optional.empty(), Clock.systemUTC(), "n", () -> true,
        () -> "http://127.0.0.1:18080", null).start();
    MonitorSettings.JobAlerts contacts = new MonitorSettings.JobAlerts(
        MonitorSettings.parse("{\"sendChannel\":\"ding,mail\"}"),
        List.of(new MonitorSettings.Contact("alice", "oncall", "alice@example.com", "")));

    service.raise(new Alert("TIMEOUT:job:3:instance:11", AlertKind.TIMEOUT, "g", 3L, "report", 11L, 0, "w@127.0.0.1:1",
        "still running after 60 s (timeout); the run goes on", Instant.parse("2026-12-02T10:00:00Z"),
        Instant.parse("2026-12-02T10:00:01Z"), null, Instant.now(), "http://127.0.0.1:18080/console/#/instances/11", 0,
        false, List.of()), contacts);

    await().atMost(Duration.ofSeconds(10)).until(() -> smtp.getReceivedMessages().length == 2);
    for (MimeMessage m : smtp.getReceivedMessages()) {
      assertThat(m.getSubject()).isEqualTo("[SchedulerX] job report timed out");
      assertThat(m.getHeader("X-SchedulerX-Alert-Id")[0]).startsWith("TIMEOUT:job:3:instance:11@");
      assertThat(String.valueOf(m.getContent())).contains("instance: 11", "still running after 60 s",
          "/console/#/instances/11");
    }
    assertThat(List.of(smtp.getReceivedMessages()).stream().map(m -> {
      try {
        return m.getAllRecipients()[0].toString();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    })).containsExactlyInAnyOrder("oncall@example.com", "alice@example.com");
    await().atMost(Duration.ofSeconds(5)).until(() -> service.store().recent(10, null, "SENT", null).size() == 2);
  }

  @Test
  void withoutAnSmtpHostAMailAlertIsRecordedFailedNamingTheKey() {
    AlertSettings settings = AlertSettings.DEFAULT.withChannels(List.of(new ChannelSettings("oncall", "mail", "", "", "",
        false, List.of(), List.of("oncall@example.com"), 0, null, List.of(), null)), List.of());
    service = new AlertService(settings, database.dataSource(), new JobRepository(database.dataSource()),
        new InstanceRepository(database.dataSource()), job -> Optional.empty(), Clock.systemUTC(), "n", () -> true,
        () -> "http://127.0.0.1:18080", null).start();
    long id = service.sendTest("oncall");
    await().atMost(Duration.ofSeconds(10)).until(() -> "FAILED".equals(service.store().byId(id).orElseThrow().status()));
    assertThat(service.store().byId(id).orElseThrow().lastError()).contains("schedulerx-server.alerting.smtp.host");
  }
}
