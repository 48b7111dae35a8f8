package dev.schedulerx.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The alerting block: every default, one full explicit mapping, and the errors naming the key. */
class AlertSettingsTest {
  private static AlertSettings read(String conf) {
    Config reference = ConfigFactory.parseResources(AlertSettingsTest.class.getClassLoader(), "reference.conf");
    return AlertSettings.fromConfig(ConfigFactory.parseString(conf).withFallback(reference).resolve());
  }

  @Test
  void defaults() {
    assertThat(read("")).isEqualTo(AlertSettings.DEFAULT);
  }

  @Test
  void everyKeyMapsToItsSetting() {
    AlertSettings s = read("""
        schedulerx-server.alerting {
          enabled = false
          console-url = "https://sx.example.com/"
          channels {
            ops-ding { type = dingtalk, url = "https://oapi.dingtalk.com/robot/send?access_token=t", secret = "SEC1",
                       keyword = SchedulerX, at-all = true, at-mobiles = ["138"], silence = ["22:00-07:00"], zone = "Asia/Shanghai" }
            oncall { type = mail, to = ["a@example.com"], rate-limit = 5, rate-window = 10m }
          }
          default-channels = [oncall]
          retry { max-attempts = 3, initial-backoff = 1s, max-backoff = 1m }
          claim-lease = 30s
          poll-interval = 1s
          http-timeout = 5s
          smtp { host = smtp.example.com, port = 587, user = u, password = p, from = "sx@example.com", starttls = true }
          sweep { window = 30m, interval = 2m }
        }
        """);
    assertThat(s).isEqualTo(new AlertSettings(false, "https://sx.example.com", List.of(
        new ChannelSettings("ops-ding", "dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t", "SEC1",
            "SchedulerX", true, List.of("138"), List.of(), 20, Duration.ofMinutes(1),
            List.of(new ChannelSettings.Silence(LocalTime.of(22, 0), LocalTime.of(7, 0))), ZoneId.of("Asia/Shanghai")),
        new ChannelSettings("oncall", "mail", "", "", "", false, List.of(), List.of("a@example.com"), 5,
            Duration.ofMinutes(10), List.of(), ZoneId.systemDefault())),
        List.of("oncall"), 3, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofSeconds(1),
        Duration.ofSeconds(5), new AlertSettings.Smtp("smtp.example.com", 587, "u", "p", "sx@example.com", true),
        Duration.ofMinutes(30), Duration.ofMinutes(2)));
    assertThat(s.toString()).doesNotContain("SEC1").doesNotContain("access_token").doesNotContain("password=p");
  }

  @Test
  void badChannelsAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> read("schedulerx-server.alerting.channels.x { type = pager, url = \"http://h\" }"))
        .hasMessageContaining("schedulerx-server.alerting.channels.x").hasMessageContaining("dingtalk, wecom");
    assertThatThrownBy(() -> read("schedulerx-server.alerting.channels.x { type = slack, url = \"ftp://h\" }"))
        .hasMessageContaining("url must be an http:// or https://");
    assertThatThrownBy(() -> read("schedulerx-server.alerting.channels.x { type = slack, url = \"http://h\", urll = 1 }"))
        .hasMessageContaining("schedulerx-server.alerting.channels.x.urll").hasMessageContaining("unknown key");
    assertThatThrownBy(() -> read("schedulerx-server.alerting.default-channels = [nope]"))
        .hasMessageContaining("default-channels").hasMessageContaining("\"nope\"");
    assertThatThrownBy(() -> read("schedulerx-server.alerting.channels.x { type = slack, url = \"http://h\", silence = [\"late\"] }"))
        .hasMessageContaining("HH:mm-HH:mm");
    assertThatThrownBy(() -> read("schedulerx-server.alerting.claim-lease = 5s"))
        .hasMessageContaining("claim-lease").hasMessageContaining("twice http-timeout");
    assertThatThrownBy(() -> read("schedulerx-server.alerting.sweep.interval = 0s"))
        .hasMessageContaining("sweep.interval").hasMessageContaining("positive");
  }
}
