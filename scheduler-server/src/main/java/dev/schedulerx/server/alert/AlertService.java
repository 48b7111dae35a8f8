package dev.schedulerx.server.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.schedulerx.job.MonitorSettings;
import dev.schedulerx.server.dispatch.InstanceEvents;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.workflow.WorkflowEvents;
import dev.schedulerx.server.workflow.Workflows;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerting, assembled: the rules (an {@link InstanceEvents} observer), the alert store and the dispatcher, on
 * their own threads (one for the rules, one polling, a few sending), so that no channel, however slow or dead,
 * delays scheduling or start-up. Nothing is sent at start; the first poll runs one poll interval later.
 */
public final class AlertService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertService.class);
  /** Sending threads (each holds a database connection while it works): the scheduler's pool keeps the rest. */
  private static final int SEND_THREADS = 2;
  private static final int RULE_QUEUE = 10_000;

  private final AlertSettings settings;
  private final AlertStore store;
  private final ObjectMapper json;
  private final Clock clock;
  private final Supplier<String> ownHttp;
  private final ExecutorService ruleExecutor;
  private final ScheduledExecutorService poller;
  private final ExecutorService senders;
  private final AlertDispatcher dispatcher;
  private final AlertRules rules;
  private final AlertSweep sweep;
  private final BooleanSupplier leader;
  private final Counters counters;
  /** The workflow rules once handed out (the sweep raises workflow failures through them); null before. */
  private volatile WorkflowAlerts workflowAlerts;
  /** Read and written on the poll thread only: whether this node led at the last check, and when it last swept. */
  private boolean ledAtLastCheck;
  private long lastSweepAt;

  /**
   * @param settingsOf the rules and contacts of a job (its {@code monitorConfig} and {@code contact}, group defaults
   *     filled in); empty for a job without rules
   * @param ownHttp this server's {@code scheme://host:port}, for console links when no console-url is set
   * @param leader whether this node sends (the leader does)
   */
  public AlertService(AlertSettings settings, DataSource dataSource, JobRepository jobs, InstanceRepository instances,
      Function<JobDefinition, Optional<MonitorSettings.JobAlerts>> settingsOf, Clock clock, String nodeId,
      BooleanSupplier leader, Supplier<String> ownHttp, MeterRegistry meters) {
    this.settings = settings;
    this.store = new AlertStore(dataSource);
    this.clock = clock;
    this.ownHttp = ownHttp;
    this.json = new ObjectMapper().registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    this.counters = new Counters(meters);
    this.ruleExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(RULE_QUEUE),
        named("sx-alert-rules"));
    this.poller = Executors.newSingleThreadScheduledExecutor(named("sx-alert-poll"));
    this.senders = Executors.newFixedThreadPool(SEND_THREADS, named("sx-alert-send"));
    this.dispatcher = new AlertDispatcher(store, settings, this::channel,
        new WebhookSender(json, clock, settings.httpTimeout()), new MailSender(settings.smtp(), settings.httpTimeout()),
        json, clock, nodeId, () -> settings.enabled() && leader.getAsBoolean(), counters, poller, senders);
    this.rules = new AlertRules(this, jobs, instances, settingsOf, clock, ruleExecutor);
    this.leader = leader;
    this.sweep = new AlertSweep(this, rules, store, jobs, instances, () -> workflowAlerts, settings.sweepWindow(), clock);
  }

  /** Starts polling for alerts to send. Returns at once: nothing is sent or connected here. */
  public AlertService start() {
    dispatcher.start();
    if (settings.enabled()) {
      poller.scheduleWithFixedDelay(this::sweepIfDue, settings.pollInterval().toMillis(),
          settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    }
    log.info("alerting {}: {} channel(s) configured{}", settings.enabled() ? "on" : "off", settings.channels().size(),
        settings.defaultChannels().isEmpty() ? "" : ", default " + settings.defaultChannels());
    return this;
  }

  /** The observer to hand to the instance lifecycle; does nothing while alerting is off. */
  public InstanceEvents rules() {
    return settings.enabled() ? rules : InstanceEvents.NONE;
  }

  AlertStore store() {
    return store;
  }

  AlertSettings settings() {
    return settings;
  }

  ObjectMapper json() {
    return json;
  }

  /**
   * The observer to hand to the workflow engine: a run that ends FAILED raises a WORKFLOW_FAILURE alert to its
   * group's contacts; does nothing while alerting is off.
   *
   * @param groupRulesOf the rules and contacts of an app group (its monitorConfig and contact); empty without any
   */
  public WorkflowEvents workflowRules(Workflows workflows,
      Function<String, Optional<MonitorSettings.JobAlerts>> groupRulesOf) {
    if (!settings.enabled()) {
      return WorkflowEvents.NONE;
    }
    WorkflowAlerts alerts = new WorkflowAlerts(this, rules, workflows, groupRulesOf, clock);
    workflowAlerts = alerts;
    return alerts;
  }

  /**
   * On the poll thread: queues a sweep for alerts never raised (see {@link AlertSweep}) when this node has just
   * become the leader, and every {@code sweep.interval} while it leads. The sweep runs on the rules' thread, after
   * the evaluations queued before it.
   */
  private void sweepIfDue() {
    boolean leads = leader.getAsBoolean();
    long now = clock.millis();
    boolean due = leads && (!ledAtLastCheck || now - lastSweepAt >= settings.sweepInterval().toMillis() || now < lastSweepAt);
    ledAtLastCheck = leads;
    if (due) {
      lastSweepAt = now;
      rules.async("alert sweep", () -> {
        int raised = sweep.run();
        counters.swept(raised);
      });
    }
  }

  /** The console page of an instance. */
  String link(long instanceId) {
    return consoleBase() + "/console/#/instances/" + instanceId;
  }

  /** The console page of a workflow run. */
  String workflowLink(long wfInstanceId) {
    return consoleBase() + "/console/#/workflow-instances/" + wfInstanceId;
  }

  private String consoleBase() {
    return settings.consoleUrl().isEmpty() ? ownHttp.get() : settings.consoleUrl();
  }

  /** A target of an alert: a configured channel (address null) or a webhook/mail address from a job's contacts. */
  record Target(String name, String address) {}

  /** Where the alerts of a job with these contacts go. */
  List<Target> targets(MonitorSettings.JobAlerts alerts) {
    List<Target> out = new ArrayList<>();
    List<String> via = alerts.monitor().sendChannel();
    boolean webhooks = via.contains("ding") || via.contains("webhook");
    for (MonitorSettings.Contact c : alerts.contacts()) {
      if (webhooks && !c.ding().isEmpty()) {
        if (namedChannel(c.ding()) != null) {
          add(out, new Target(c.ding(), null));
        } else if (c.ding().startsWith("http://") || c.ding().startsWith("https://")) {
          add(out, new Target(typeOfUrl(c.ding()) + ":" + shortHash(c.ding()), c.ding()));
        }
      }
      if (via.contains("mail") && !c.userMail().isEmpty()) {
        add(out, new Target("mail:" + c.userMail(), c.userMail()));
      }
    }
    if (out.isEmpty()) {
      settings.defaultChannels().forEach(d -> add(out, new Target(d, null)));
    }
    return out;
  }

  private static void add(List<Target> targets, Target t) {
    if (targets.stream().noneMatch(x -> x.name().equals(t.name()))) {
      targets.add(t);
    }
  }

  /** The platform of a contact's robot URL, by its host; our generic JSON webhook when unknown. */
  static String typeOfUrl(String url) {
    String host;
    try {
      host = String.valueOf(java.net.URI.create(url).getHost()).toLowerCase(java.util.Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return ChannelSettings.WEBHOOK;
    }
    if (host.endsWith("dingtalk.com")) {
      return ChannelSettings.DINGTALK;
    }
    if (host.endsWith("weixin.qq.com")) {
      return ChannelSettings.WECOM;
    }
    if (host.endsWith("feishu.cn") || host.endsWith("larksuite.com")) {
      return ChannelSettings.LARK;
    }
    if (host.endsWith("slack.com")) {
      return ChannelSettings.SLACK;
    }
    return ChannelSettings.WEBHOOK;
  }

  /** Channels defined through the API, as last read (every few seconds at most, and after each change here). */
  private volatile Map<String, ChannelSettings> apiChannels = Map.of();
  private volatile long apiChannelsReadAt = Long.MIN_VALUE;
  private static final long API_CHANNELS_REFRESH_MS = 5_000;

  private Map<String, ChannelSettings> apiChannels() {
    long now = clock.millis();
    long readAt = apiChannelsReadAt;
    if (readAt == Long.MIN_VALUE || now - readAt >= API_CHANNELS_REFRESH_MS || now < readAt) {
      Map<String, ChannelSettings> read = new LinkedHashMap<>();
      store.apiChannels().forEach((name, spec) -> {
        try {
          read.put(name, json.readValue(spec, ChannelSpec.class).toSettings(name));
        } catch (Exception e) {
          log.warn("alert channel {} (defined through the API) is unusable: {}", name, e.getMessage());
        }
      });
      apiChannels = read;
      apiChannelsReadAt = now;
    }
    return apiChannels;
  }

  /** A configured channel (server.conf first, then the API's), or null. */
  ChannelSettings namedChannel(String name) {
    ChannelSettings configured = settings.channel(name);
    return configured != null ? configured : apiChannels().get(name);
  }

  /**
   * Creates or replaces a channel through the API (stored, so every node sees it).
   *
   * @throws IllegalArgumentException naming the field, or when server.conf defines the name
   */
  public Map<String, Object> putChannel(String name, String body) {
    if (settings.channel(name) != null) {
      throw new IllegalArgumentException("channel " + name + " is defined in the server config"
          + " (schedulerx-server.alerting.channels); change it there");
    }
    ChannelSpec spec;
    try {
      spec = json.readValue(body, ChannelSpec.class);
    } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
      throw new IllegalArgumentException("unknown field \"" + e.getPropertyName() + "\": a channel has type, url, secret,"
          + " keyword, atAll, atMobiles, to, rateLimit, rateWindowSeconds, silence, zone");
    } catch (Exception e) {
      throw new IllegalArgumentException("malformed channel JSON: " + e.getMessage().split("\n")[0]);
    }
    ChannelSettings channel = spec.toSettings(name);
    try {
      store.putChannel(name, json.writeValueAsString(spec), clock.instant());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    apiChannelsReadAt = Long.MIN_VALUE;
    log.info("alert channel {} ({}) saved through the API", name, channel.type());
    return view(channel, "api");
  }

  /** Deletes a channel defined through the API; false when there is none of that name. */
  public boolean deleteChannel(String name) {
    if (settings.channel(name) != null) {
      throw new IllegalArgumentException("channel " + name + " is defined in the server config; remove it there");
    }
    boolean deleted = store.deleteChannel(name);
    apiChannelsReadAt = Long.MIN_VALUE;
    return deleted;
  }

  private static Map<String, Object> view(ChannelSettings c, String source) {
    Map<String, Object> v = new LinkedHashMap<>(c.view());
    v.put("source", source);
    return v;
  }

  /** The channel a target stands for; empty when a named channel is not configured (the row is then FAILED). */
  Optional<ChannelSettings> channel(String target, String address) {
    if (address == null || address.isEmpty()) {
      return Optional.ofNullable(namedChannel(target));
    }
    String type = target.substring(0, Math.max(0, target.indexOf(':')));
    if (type.equals(ChannelSettings.MAIL)) {
      return Optional.of(new ChannelSettings(target, type, "", "", "", false, List.of(), List.of(address), 0, null,
          List.of(), null));
    }
    if (!ChannelSettings.TYPES.contains(type)) {
      return Optional.empty();
    }
    return Optional.of(new ChannelSettings(target, type, address, "", "", false, List.of(), List.of(),
        ChannelSettings.defaultRateLimit(type), null, List.of(), null));
  }

  /**
   * Stores one row per target of {@code alert} (an existing key is left alone) and wakes the dispatcher; how many
   * rows were new.
   */
  int raise(Alert alert, MonitorSettings.JobAlerts alerts) {
    List<Target> targets = targets(alerts);
    if (targets.isEmpty()) {
      log.info("{} alert of {} instance {} has no target: its contact names none and no default channel is set",
          alert.kind(), alert.subject(), alert.workflow() == null ? alert.instanceId() : alert.workflow().instanceId());
      return 0;
    }
    return raise(alert, targets);
  }

  int raise(Alert alert, List<Target> targets) {
    String payload;
    try {
      payload = json.writeValueAsString(alert);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    Instant now = clock.instant();
    int stored = 0;
    for (Target t : targets) {
      Optional<Long> id = store.insert(new AlertStore.NewRow(alert.key() + "@" + t.name(), alert.kind(), t.name(),
          t.address(), alert.groupId(), alert.jobId(), alert.subject(), alert.instanceId(), payload), AlertStore.PENDING, now);
      if (id.isPresent()) {
        stored++;
      }
    }
    if (stored > 0) {
      log.debug("{} alert of {} instance {} raised for {} target(s): {}", alert.kind(), alert.subject(),
          alert.instanceId(), stored, alert.reason().length() > 200 ? alert.reason().substring(0, 200) + "..." : alert.reason());
      dispatcher.wake();
    }
    return stored;
  }

  /**
   * Queues a test alert to a configured channel; the id of its row, whose status shows the outcome.
   *
   * @throws IllegalArgumentException when no channel has that name
   */
  public long sendTest(String channelName) {
    if (namedChannel(channelName) == null) {
      throw new IllegalArgumentException("no alert channel named " + channelName + ": configured are "
          + channels().stream().map(c -> c.get("name")).toList());
    }
    Instant now = clock.instant();
    Alert alert = new Alert("TEST:" + now.toEpochMilli(), AlertKind.TEST, null, null, null, null, null, null,
        "a test alert from the SchedulerX server: channel " + channelName + " works", null, null, null, now,
        settings.consoleUrl().isEmpty() ? ownHttp.get() + "/console/" : settings.consoleUrl() + "/console/", 0, false,
        List.of());
    raise(alert, List.of(new Target(channelName, null)));
    return store.idOfKey(alert.key() + "@" + channelName).orElseThrow();
  }

  /** The history, newest first; addresses and secrets never appear. */
  public List<Map<String, Object>> history(int limit, Long jobId, String status, String kind) {
    return store.recent(limit, jobId, status, kind).stream().map(AlertService::view).toList();
  }

  public Optional<Map<String, Object>> alert(long id) {
    return store.byId(id).map(row -> {
      Map<String, Object> v = view(row);
      try {
        v.put("text", json.readValue(row.payload(), Alert.class).text());
      } catch (Exception e) {
        v.put("text", "");
      }
      return v;
    });
  }

  /** The configured channels, without URLs' secrets. */
  public List<Map<String, Object>> channels() {
    List<Map<String, Object>> out = new ArrayList<>();
    settings.channels().forEach(c -> out.add(view(c, "config")));
    apiChannels().values().forEach(c -> out.add(view(c, "api")));
    return out;
  }

  static Map<String, Object> view(AlertStore.Row r) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", r.id());
    v.put("kind", r.kind().name());
    v.put("target", r.target());
    v.put("status", r.status());
    v.put("groupId", r.groupId());
    v.put("jobId", r.jobId());
    v.put("jobName", r.jobName());
    v.put("instanceId", r.instanceId());
    v.put("attempts", r.attempts());
    v.put("createdAt", r.createdAt());
    v.put("sentAt", r.sentAt());
    v.put("nextAttemptAt", AlertStore.PENDING.equals(r.status()) ? r.nextAttemptAt() : null);
    v.put("lastError", r.lastError());
    v.put("digestId", r.digestId());
    v.put("idempotencyKey", r.key());
    return v;
  }

  @Override
  public void close() {
    for (ExecutorService e : List.of(poller, ruleExecutor, senders)) {
      e.shutdownNow();
    }
    for (ExecutorService e : List.of(poller, ruleExecutor, senders)) {
      try {
        e.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String shortHash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Alerts sent, failed and suppressed, per kind, on /metrics. */
  private static final class Counters implements AlertDispatcher.Listener {
    private final MeterRegistry meters;

    Counters(MeterRegistry meters) {
      this.meters = meters;
    }

    private void count(String outcome, AlertStore.Row row) {
      if (meters != null) {
        Counter.builder("schedulerx.server.alerts").description("Alert deliveries by outcome (sent, failed, suppressed)")
            .tag("outcome", outcome).tag("kind", row.kind().name()).register(meters).increment();
      }
    }

    /** One sweep pass done, with the alert rows it stored. */
    void swept(int raised) {
      if (meters != null) {
        Counter.builder("schedulerx.server.alert.sweeps").description("Passes of the leader's sweep for alerts never raised")
            .register(meters).increment();
        Counter.builder("schedulerx.server.alert.swept").description("Alert rows the leader's sweep stored (alerts that"
            + " a leader stopped before raising)").register(meters).increment(raised);
      }
    }

    @Override
    public void sent(AlertStore.Row row) {
      count("sent", row);
    }

    @Override
    public void failed(AlertStore.Row row, String why) {
      count("failed", row);
    }

    @Override
    public void suppressed(AlertStore.Row row, String why) {
      count("suppressed", row);
    }
  }
}
