package dev.schedulerx.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A job's (or app group's) alert rules: SchedulerX's {@code monitorConfig} JSON, read with the defaults of the
 * official client's {@code MonitorConfig} (WORKFLOWS-ALERTING.md §3.1) for every field it leaves out.
 *
 * @param failRate percent of failed sub-tasks of a distributed run at which FAIL_RATE fires (our reading)
 * @param deadline {@code HH:mm}: alert when a run has not finished by then, {@code daysOfDeadline} days after its
 *     schedule date (our reading); null = no deadline
 * @param sendChannel the channels asked for, lower case ({@code ding}, {@code mail}, {@code sms}, {@code phone});
 *     sms and phone have no sender here
 * @param globalNoticeSwitch false turns every alert of the job off
 */
public record MonitorSettings(
    boolean failEnable,
    int failLimitTimes,
    int failRate,
    boolean timeoutEnable,
    long timeout,
    boolean timeoutKillEnable,
    boolean missWorkerEnable,
    LocalTime deadline,
    int daysOfDeadline,
    List<String> sendChannel,
    boolean successNotice,
    boolean globalNoticeSwitch,
    boolean webhookIsAtAll) {

  /** What the official client sends when nothing is changed. */
  public static final MonitorSettings DEFAULTS =
      new MonitorSettings(true, 1, 100, true, 7200, false, false, null, 0, List.of("ding"), false, true, false);

  public MonitorSettings {
    sendChannel = List.copyOf(sendChannel);
  }

  /** One contact of the {@code contact} JSON array: {@code ding} is a robot webhook URL or a channel's name. */
  public record Contact(String userName, String ding, String userMail, String userPhone) {}

  /** The rules and contacts of one job, group defaults filled in. */
  public record JobAlerts(MonitorSettings monitor, List<Contact> contacts) {
    public JobAlerts {
      contacts = List.copyOf(contacts);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A job's rules: its own monitorConfig and contact, each falling back to its app group's. Empty when neither
   * the job nor its group set either (such a job raises no alert); contacts without a monitorConfig get the
   * official client's defaults.
   *
   * @throws IllegalArgumentException naming the field, for a malformed text
   */
  public static Optional<JobAlerts> of(String jobMonitor, String jobContact, String groupMonitor, String groupContact) {
    String monitor = blank(jobMonitor) ? groupMonitor : jobMonitor;
    String contact = blank(jobContact) ? groupContact : jobContact;
    if (blank(monitor) && blank(contact)) {
      return Optional.empty();
    }
    MonitorSettings m = blank(monitor) ? DEFAULTS : parse(monitor);
    return Optional.of(new JobAlerts(m, parseContacts(contact)));
  }

  /**
   * The rules of something with its own {@code monitorConfig} and {@code contact} texts (a workflow) over those of
   * its app group, already parsed: each own text, when set, wins over the group's, as {@link #of} does for a job.
   *
   * @throws IllegalArgumentException naming the field, for a malformed own text
   */
  public static Optional<JobAlerts> over(String monitor, String contact, Optional<JobAlerts> group) {
    if (blank(monitor) && blank(contact)) {
      return group;
    }
    MonitorSettings m = !blank(monitor) ? parse(monitor) : group.map(JobAlerts::monitor).orElse(DEFAULTS);
    List<Contact> c = !blank(contact) ? parseContacts(contact) : group.map(JobAlerts::contacts).orElse(List.of());
    return Optional.of(new JobAlerts(m, c));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /**
   * Parses {@code monitorConfig}; null for a blank text (no rules).
   *
   * @throws IllegalArgumentException naming the field, for malformed JSON or a bad value
   */
  public static MonitorSettings parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    JsonNode m = object("monitorConfig", text);
    MonitorSettings d = DEFAULTS;
    int failLimit = m.path("failLimitTimes").asInt(d.failLimitTimes());
    int failRate = m.path("failRate").asInt(d.failRate());
    long timeout = m.path("timeout").asLong(d.timeout());
    if (failLimit < 1) {
      throw new IllegalArgumentException("monitorConfig.failLimitTimes must be at least 1, was " + failLimit);
    }
    if (failRate < 0 || failRate > 100) {
      throw new IllegalArgumentException("monitorConfig.failRate must be a percentage 0-100, was " + failRate);
    }
    if (timeout < 0) {
      throw new IllegalArgumentException("monitorConfig.timeout must not be negative (seconds), was " + timeout);
    }
    LocalTime deadline = null;
    String dl = m.path("deadline").asText("");
    if (!m.path("deadline").isNull() && !dl.isBlank()) {
      try {
        deadline = LocalTime.parse(dl.trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("monitorConfig.deadline \"" + dl + "\" is invalid: expected HH:mm, e.g. 08:30");
      }
    }
    List<String> channels = new ArrayList<>();
    String sc = m.path("sendChannel").isNull() ? "" : m.path("sendChannel").asText(String.join(",", d.sendChannel()));
    Arrays.stream(sc.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).forEach(channels::add);
    return new MonitorSettings(
        bool(m, "failEnable", d.failEnable()), failLimit, failRate,
        bool(m, "timeoutEnable", d.timeoutEnable()), timeout, bool(m, "timeoutKillEnable", d.timeoutKillEnable()),
        bool(m, "missWorkerEnable", d.missWorkerEnable()), deadline, Math.max(0, m.path("daysOfDeadline").asInt(0)),
        channels, bool(m, "successNotice", d.successNotice()), bool(m, "globalNoticeSwitch", true),
        bool(m, "webhookIsAtAll", false));
  }

  /** Parses the {@code contact} JSON array; empty for a blank text. */
  public static List<Contact> parseContacts(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException("contact is not valid JSON: expected [{\"userName\":…,\"ding\":…,\"userMail\":…}]");
    }
    if (node.isObject()) {
      node = JSON.createArrayNode().add(node);
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException("contact must be a JSON array of {userName, ding, userMail, userPhone}");
    }
    List<Contact> contacts = new ArrayList<>();
    for (JsonNode c : node) {
      contacts.add(new Contact(text(c, "userName"), text(c, "ding"), text(c, "userMail"), text(c, "userPhone")));
    }
    return contacts;
  }

  private static JsonNode object(String field, String text) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(field + " is not valid JSON: expected an object such as {\"failLimitTimes\":3}");
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(field + " must be a JSON object such as {\"failLimitTimes\":3}");
    }
    return node;
  }

  private static boolean bool(JsonNode m, String field, boolean fallback) {
    JsonNode v = m.path(field);
    return v.isMissingNode() || v.isNull() ? fallback : v.asBoolean(fallback);
  }

  private static String text(JsonNode c, String field) {
    JsonNode v = c.path(field);
    return v.isMissingNode() || v.isNull() ? "" : v.asText("").trim();
  }
}
