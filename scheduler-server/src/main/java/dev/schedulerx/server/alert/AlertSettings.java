package dev.schedulerx.server.alert;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code schedulerx-server.alerting} block: channels and how alerts are delivered.
 *
 * @param consoleUrl base address of the web console for the links in alerts (e.g. {@code https://sx.example.com});
 *     empty = this server's own HTTP address
 * @param defaultChannels channels that get the alerts of jobs whose contacts name no target
 * @param maxAttempts sends of one alert to one target before it is recorded FAILED
 * @param claimLease how long a node holds an alert it is sending; another node takes it over after that
 * @param sweepWindow how far back the leader's sweep looks for ended runs whose alert was never stored (a leader
 *     died between storing the end and the alert)
 * @param sweepInterval how often the leader sweeps, besides once on gaining leadership
 */
public record AlertSettings(
    boolean enabled,
    String consoleUrl,
    List<ChannelSettings> channels,
    List<String> defaultChannels,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration claimLease,
    Duration pollInterval,
    Duration httpTimeout,
    Smtp smtp,
    Duration sweepWindow,
    Duration sweepInterval) {

  static final Duration DEFAULT_SWEEP_WINDOW = Duration.ofMinutes(10);
  static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(1);

  /** Alerting on with no channel: rules are evaluated, nothing has a target until a channel is configured. */
  public static final AlertSettings DEFAULT = new AlertSettings(true, "", List.of(), List.of(), 6, Duration.ofSeconds(2),
      Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofMillis(500), Duration.ofSeconds(10), Smtp.NONE);

  public AlertSettings {
    consoleUrl = consoleUrl == null ? "" : consoleUrl.replaceAll("/+$", "");
    channels = List.copyOf(channels);
    defaultChannels = List.copyOf(defaultChannels);
    Objects.requireNonNull(smtp, "smtp");
    Objects.requireNonNull(sweepWindow, "sweepWindow");
    Objects.requireNonNull(sweepInterval, "sweepInterval");
  }

  /** With the default sweep (the last 10 minutes, every minute). */
  public AlertSettings(boolean enabled, String consoleUrl, List<ChannelSettings> channels, List<String> defaultChannels,
      int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration claimLease, Duration pollInterval,
      Duration httpTimeout, Smtp smtp) {
    this(enabled, consoleUrl, channels, defaultChannels, maxAttempts, initialBackoff, maxBackoff, claimLease,
        pollInterval, httpTimeout, smtp, DEFAULT_SWEEP_WINDOW, DEFAULT_SWEEP_INTERVAL);
  }

  /** The channel of that name, or null. */
  public ChannelSettings channel(String name) {
    return channels.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }

  /** This setting with other channels (tests, the API). */
  public AlertSettings withChannels(List<ChannelSettings> newChannels, List<String> newDefaults) {
    return new AlertSettings(enabled, consoleUrl, newChannels, newDefaults, maxAttempts, initialBackoff, maxBackoff,
        claimLease, pollInterval, httpTimeout, smtp, sweepWindow, sweepInterval);
  }

  /** This setting with another sweep (tests). */
  public AlertSettings withSweep(Duration window, Duration interval) {
    return new AlertSettings(enabled, consoleUrl, channels, defaultChannels, maxAttempts, initialBackoff, maxBackoff,
        claimLease, pollInterval, httpTimeout, smtp, window, interval);
  }

  /** This setting with another number of attempts and a short first backoff (tests). */
  public AlertSettings withRetry(int attempts) {
    return new AlertSettings(enabled, consoleUrl, channels, defaultChannels, attempts, Duration.ofMillis(100), maxBackoff,
        claimLease, Duration.ofMillis(50), httpTimeout, smtp, sweepWindow, sweepInterval);
  }

  /** Outgoing mail; an empty host means no mail is sent (mail alerts are recorded FAILED, naming this key). */
  public record Smtp(String host, int port, String user, String password, String from, boolean startTls) {
    public static final Smtp NONE = new Smtp("", 25, "", "", "schedulerx@localhost", false);

    @Override
    public String toString() {
      return "Smtp[host=" + host + ", port=" + port + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***")
          + ", from=" + from + ", startTls=" + startTls + "]";
    }
  }

  static final String ROOT = "schedulerx-server.alerting";

  /** The free-form part of the block (checked here, not against reference.conf). */
  public static final String CHANNELS_PATH = ROOT + ".channels";

  private static final Set<String> CHANNEL_KEYS = Set.of("type", "url", "secret", "keyword", "at-all", "at-mobiles", "to",
      "rate-limit", "rate-window", "silence", "zone");

  /**
   * Reads {@value #ROOT} of a merged config (file over reference.conf).
   *
   * @throws ConfigException naming the key when a value is missing, of the wrong type or invalid
   */
  public static AlertSettings fromConfig(Config config) {
    Config a = config.getConfig(ROOT);
    List<ChannelSettings> channels = new ArrayList<>();
    Config ch = a.getConfig("channels");
    for (String name : ch.root().keySet()) {
      channels.add(channel(ch, name));
    }
    List<String> defaults = a.getStringList("default-channels");
    for (String d : defaults) {
      if (channels.stream().noneMatch(c -> c.name().equals(d))) {
        throw new ConfigException.BadValue(a.getValue("default-channels").origin(), ROOT + ".default-channels",
            "names channel \"" + d + "\", which is not defined under " + CHANNELS_PATH);
      }
    }
    AlertSettings s = new AlertSettings(
        a.getBoolean("enabled"),
        a.getString("console-url"),
        channels,
        defaults,
        a.getInt("retry.max-attempts"),
        a.getDuration("retry.initial-backoff"),
        a.getDuration("retry.max-backoff"),
        a.getDuration("claim-lease"),
        a.getDuration("poll-interval"),
        a.getDuration("http-timeout"),
        new Smtp(a.getString("smtp.host"), a.getInt("smtp.port"), a.getString("smtp.user"), a.getString("smtp.password"),
            a.getString("smtp.from"), a.getBoolean("smtp.starttls")),
        a.getDuration("sweep.window"),
        a.getDuration("sweep.interval"));
    if (s.maxAttempts() < 1) {
      throw new ConfigException.BadValue(a.getValue("retry.max-attempts").origin(), ROOT + ".retry.max-attempts", "must be at least 1");
    }
    for (String d : List.of("retry.initial-backoff", "retry.max-backoff", "claim-lease", "poll-interval", "http-timeout",
        "sweep.window", "sweep.interval")) {
      Duration v = a.getDuration(d);
      if (v.isZero() || v.isNegative()) {
        throw new ConfigException.BadValue(a.getValue(d).origin(), ROOT + "." + d, "must be a positive duration");
      }
    }
    if (s.claimLease().compareTo(s.httpTimeout().multipliedBy(2)) < 0) {
      throw new ConfigException.BadValue(a.getValue("claim-lease").origin(), ROOT + ".claim-lease",
          "must be at least twice http-timeout, or another node may take over an alert that is still being sent");
    }
    return s;
  }

  private static ChannelSettings channel(Config ch, String name) {
    String at = CHANNELS_PATH + "." + name;
    Config c;
    try {
      c = ch.getConfig(quote(name));
    } catch (ConfigException.WrongType e) {
      throw new ConfigException.BadValue(ch.root().get(name).origin(), at, "must be a block { type = …, url = … }");
    }
    for (String k : c.root().keySet()) {
      if (!CHANNEL_KEYS.contains(k)) {
        throw new ConfigException.BadValue(c.root().get(k).origin(), at + "." + k,
            "unknown key: a channel has " + String.join(", ", new java.util.TreeSet<>(CHANNEL_KEYS)));
      }
    }
    if (!c.hasPath("type")) {
      throw new ConfigException.BadValue(c.root().origin(), at + ".type", "is required: one of " + String.join(", ", ChannelSettings.TYPES));
    }
    String type = c.getString("type");
    try {
      return new ChannelSettings(
          name,
          type,
          c.hasPath("url") ? c.getString("url") : "",
          c.hasPath("secret") ? c.getString("secret") : "",
          c.hasPath("keyword") ? c.getString("keyword") : "",
          c.hasPath("at-all") && c.getBoolean("at-all"),
          c.hasPath("at-mobiles") ? c.getStringList("at-mobiles") : List.of(),
          c.hasPath("to") ? c.getStringList("to") : List.of(),
          c.hasPath("rate-limit") ? c.getInt("rate-limit") : ChannelSettings.defaultRateLimit(type.trim().toLowerCase()),
          c.hasPath("rate-window") ? c.getDuration("rate-window") : Duration.ofMinutes(1),
          c.hasPath("silence") ? c.getStringList("silence").stream().map(ChannelSettings.Silence::parse).toList() : List.of(),
          c.hasPath("zone") ? ZoneId.of(c.getString("zone")) : null);
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw new ConfigException.BadValue(c.root().origin(), at, e.getMessage());
    }
  }

  private static String quote(String key) {
    return "\"" + key.replace("\"", "\\\"") + "\"";
  }
}
