package dev.schedulerx.server.alert;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One alert target: a robot or webhook URL with its credentials, or mail recipients. Secrets (the signing
 * secret, and the URL, which carries the robot's token) are left out of {@link #toString()} and of every API view.
 *
 * @param type one of {@link #TYPES}
 * @param keyword DingTalk keyword security: put at the start of every message unless it already appears
 * @param rateLimit at most this many messages per {@code rateWindow} (0 = no limit); the rest is summarised in a digest
 * @param silence times of day (in {@code zone}) during which nothing is sent; a digest follows the window
 */
public record ChannelSettings(
    String name,
    String type,
    String url,
    String secret,
    String keyword,
    boolean atAll,
    List<String> atMobiles,
    List<String> mailTo,
    int rateLimit,
    Duration rateWindow,
    List<Silence> silence,
    ZoneId zone) {

  public static final String DINGTALK = "dingtalk";
  public static final String WECOM = "wecom";
  public static final String LARK = "lark";
  public static final String SLACK = "slack";
  public static final String WEBHOOK = "webhook";
  public static final String MAIL = "mail";
  public static final List<String> TYPES = List.of(DINGTALK, WECOM, LARK, SLACK, WEBHOOK, MAIL);

  public ChannelSettings {
    Objects.requireNonNull(name, "name");
    type = Objects.requireNonNull(type, "type").trim().toLowerCase(Locale.ROOT);
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException("channel " + name + ": type \"" + type + "\" is invalid: expected one of "
          + String.join(", ", TYPES));
    }
    url = url == null ? "" : url.trim();
    secret = secret == null ? "" : secret;
    keyword = keyword == null ? "" : keyword;
    atMobiles = List.copyOf(atMobiles == null ? List.of() : atMobiles);
    mailTo = List.copyOf(mailTo == null ? List.of() : mailTo);
    silence = List.copyOf(silence == null ? List.of() : silence);
    rateWindow = rateWindow == null ? Duration.ofMinutes(1) : rateWindow;
    zone = zone == null ? ZoneId.systemDefault() : zone;
    if (!type.equals(MAIL) && !(url.startsWith("http://") || url.startsWith("https://"))) {
      throw new IllegalArgumentException("channel " + name + ": url must be an http:// or https:// address of the "
          + type + " webhook");
    }
    if (type.equals(MAIL) && mailTo.isEmpty()) {
      throw new IllegalArgumentException("channel " + name + ": a mail channel needs to = [\"someone@example.com\", …]");
    }
    if (rateLimit < 0) {
      throw new IllegalArgumentException("channel " + name + ": rate-limit must not be negative (0 = no limit)");
    }
    if (rateWindow.isNegative() || rateWindow.isZero()) {
      throw new IllegalArgumentException("channel " + name + ": rate-window must be a positive duration, e.g. 1m");
    }
  }

  /** The platform's own limit, used when the channel sets none: DingTalk and WeCom robots take 20 a minute. */
  public static int defaultRateLimit(String type) {
    return switch (type) {
      case DINGTALK, WECOM -> 20;
      case LARK -> 100;
      case SLACK -> 60;
      default -> 0;
    };
  }

  /** Whether {@code now} falls into one of the silence windows. */
  public boolean silencedAt(java.time.Instant now) {
    LocalTime t = ZonedDateTime.ofInstant(now, zone).toLocalTime();
    return silence.stream().anyMatch(s -> s.contains(t));
  }

  /** What the API may show: no URL, no secret. */
  public java.util.Map<String, Object> view() {
    java.util.Map<String, Object> v = new java.util.LinkedHashMap<>();
    v.put("name", name);
    v.put("type", type);
    v.put("url", url.isEmpty() ? "" : redactUrl(url));
    v.put("signed", !secret.isEmpty());
    v.put("keyword", keyword);
    v.put("atAll", atAll);
    v.put("mailTo", mailTo);
    v.put("rateLimit", rateLimit);
    v.put("rateWindow", rateWindow.toString());
    v.put("silence", silence.stream().map(Silence::toString).toList());
    v.put("zone", zone.getId());
    return v;
  }

  /** Scheme, host and path only: query strings (access tokens) and robot keys in the path are not shown. */
  static String redactUrl(String url) {
    try {
      java.net.URI uri = java.net.URI.create(url);
      return uri.getScheme() + "://" + uri.getAuthority() + "/…";
    } catch (RuntimeException e) {
      return "…";
    }
  }

  @Override
  public String toString() {
    return "ChannelSettings[" + view() + "]";
  }

  /** A daily window {@code from}–{@code to}; one that ends before it starts spans midnight. */
  public record Silence(LocalTime from, LocalTime to) {
    public Silence {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    /** {@code "22:00-07:00"}. */
    public static Silence parse(String text) {
      String[] parts = text.trim().split("-");
      if (parts.length != 2) {
        throw new IllegalArgumentException("silence window \"" + text + "\" is invalid: expected HH:mm-HH:mm, e.g. 22:00-07:00");
      }
      try {
        return new Silence(LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim()));
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException("silence window \"" + text + "\" is invalid: expected HH:mm-HH:mm, e.g. 22:00-07:00");
      }
    }

    boolean contains(LocalTime t) {
      return from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
    }

    @Override
    public String toString() {
      return from + "-" + to;
    }
  }
}
