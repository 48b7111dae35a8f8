package dev.schedulerx.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** monitorConfig and contact as the official client sends them, with its MonitorConfig defaults. */
class MonitorSettingsTest {
  /** What MonitorConfig serialises to when nothing is changed (WORKFLOWS-ALERTING.md §3.1). */
  private static final String CLIENT_DEFAULT = "{\"daysOfDeadline\":0,\"failEnable\":true,\"failLimitTimes\":1,"
      + "\"failRate\":100,\"missWorkerEnable\":false,\"sendChannel\":\"ding\",\"successNotice\":false,\"timeout\":7200,"
      + "\"timeoutEnable\":true,\"timeoutKillEnable\":false}";

  @Test
  void theClientsDefaultTextAndAnEmptyObjectBothReadAsTheDefaults() {
    assertThat(MonitorSettings.parse(CLIENT_DEFAULT)).isEqualTo(MonitorSettings.DEFAULTS);
    assertThat(MonitorSettings.parse("{}")).isEqualTo(MonitorSettings.DEFAULTS);
    assertThat(MonitorSettings.parse("")).isNull();
  }

  @Test
  void everyFieldIsRead() {
    MonitorSettings m = MonitorSettings.parse("{\"failEnable\":false,\"failLimitTimes\":3,\"failRate\":40,"
        + "\"timeoutEnable\":false,\"timeout\":60,\"timeoutKillEnable\":true,\"missWorkerEnable\":true,"
        + "\"deadline\":\"08:30\",\"daysOfDeadline\":1,\"sendChannel\":\"sms, Ding,mail\",\"successNotice\":true,"
        + "\"globalNoticeSwitch\":false,\"webhookIsAtAll\":true,\"alarmType\":\"CustomContacts\"}");
    assertThat(m).isEqualTo(new MonitorSettings(false, 3, 40, false, 60, true, true, LocalTime.of(8, 30), 1,
        List.of("sms", "ding", "mail"), true, false, true));
  }

  @Test
  void contactsReadTheClientsFieldsAndAGroupsSettingsFillInForAJobWithoutAny() {
    String contact = "[{\"ding\":\"https://oapi.dingtalk.com/robot/send?access_token=x\",\"userMail\":\"a@b.c\","
        + "\"userName\":\"ann\",\"userPhone\":\"138\"}]";
    assertThat(MonitorSettings.parseContacts(contact)).containsExactly(
        new MonitorSettings.Contact("ann", "https://oapi.dingtalk.com/robot/send?access_token=x", "a@b.c", "138"));

    assertThat(MonitorSettings.of("", "", "", "")).isEmpty();
    MonitorSettings.JobAlerts fromGroup = MonitorSettings.of("", "", "{\"failLimitTimes\":5}", contact).orElseThrow();
    assertThat(fromGroup.monitor().failLimitTimes()).isEqualTo(5);
    assertThat(fromGroup.contacts()).hasSize(1);
    MonitorSettings.JobAlerts own = MonitorSettings.of("{\"failLimitTimes\":2}", "[]", "{\"failLimitTimes\":5}", contact)
        .orElseThrow();
    assertThat(own.monitor().failLimitTimes()).isEqualTo(2);
    assertThat(own.contacts()).isEmpty();
  }

  @Test
  void badValuesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> MonitorSettings.parse("{\"failLimitTimes\":0}"))
        .hasMessage("monitorConfig.failLimitTimes must be at least 1, was 0");
    assertThatThrownBy(() -> MonitorSettings.parse("{\"failRate\":120}")).hasMessageContaining("monitorConfig.failRate");
    assertThatThrownBy(() -> MonitorSettings.parse("{\"deadline\":\"8h\"}")).hasMessageContaining("monitorConfig.deadline");
    assertThatThrownBy(() -> MonitorSettings.parse("[1]")).hasMessageContaining("monitorConfig must be a JSON object");
    assertThatThrownBy(() -> MonitorSettings.parseContacts("{oops")).hasMessageContaining("contact is not valid JSON");
  }

  @Test
  void aWorkflowsOwnTextsWinOverItsGroupsEachOnItsOwn() {
    java.util.Optional<MonitorSettings.JobAlerts> group = MonitorSettings.of("", "", "{\"failLimitTimes\":2}",
        "[{\"ding\":\"group-ding\"}]");
    MonitorSettings.Contact own = new MonitorSettings.Contact("", "wf-ding", "", "");

    assertThat(MonitorSettings.over(null, "", group)).isEqualTo(group);
    assertThat(MonitorSettings.over("", "[{\"ding\":\"wf-ding\"}]", group).orElseThrow())
        .isEqualTo(new MonitorSettings.JobAlerts(group.orElseThrow().monitor(), List.of(own)));
    MonitorSettings.JobAlerts silenced = MonitorSettings.over("{\"failEnable\":false}", null, group).orElseThrow();
    assertThat(silenced.monitor().failEnable()).isFalse();
    assertThat(silenced.contacts()).isEqualTo(group.orElseThrow().contacts());
    assertThat(MonitorSettings.over("", "[{\"ding\":\"wf-ding\"}]", java.util.Optional.empty()).orElseThrow().monitor())
        .as("contacts alone get the client's defaults").isEqualTo(MonitorSettings.DEFAULTS);
    assertThatThrownBy(() -> MonitorSettings.over("{nope", "", group)).hasMessageContaining("monitorConfig is not valid JSON");
  }
}
