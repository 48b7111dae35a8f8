package dev.schedulerx.server.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends stored alerts. Only the leader sends (one sender, so per-target rate limits hold across the cluster); each
 * row is claimed with a conditional UPDATE for {@code claim-lease}, so after a leader dies mid-send the next leader
 * sends the row again once the claim expired, with the same idempotency key. Rows of one target are sent one after
 * the other (the rate limit counts what was sent), targets in parallel on the send executor; a dead target only
 * delays its own rows. Suppressed rows (rate limit, silence window) are summarised in one digest per target as
 * soon as the target may be sent to again.
 */
final class AlertDispatcher {
  private static final Logger log = LoggerFactory.getLogger(AlertDispatcher.class);

  /** What the dispatcher tells metrics. */
  interface Listener {
    Listener NONE = new Listener() {};

    default void sent(AlertStore.Row row) {}

    default void failed(AlertStore.Row row, String why) {}

    default void suppressed(AlertStore.Row row, String why) {}
  }

  private final AlertStore store;
  private final AlertSettings settings;
  private final BiFunction<String, String, Optional<ChannelSettings>> channels;
  private final WebhookSender webhooks;
  private final MailSender mail;
  private final ObjectMapper json;
  private final Clock clock;
  private final String nodeId;
  private final BooleanSupplier leader;
  private final Listener listener;
  private final ScheduledExecutorService poller;
  private final ExecutorService senders;
  private static final long WAKE_DELAY_MS = 20;
  private final java.util.concurrent.atomic.AtomicBoolean wakeQueued = new java.util.concurrent.atomic.AtomicBoolean();
  /** Targets whose rows a send task is working through: the next poll leaves them to it. */
  private final Set<String> busyTargets = ConcurrentHashMap.newKeySet();

  /**
   * @param channels the channel of a target (a configured name, or a type-prefixed target with its address)
   */
  AlertDispatcher(AlertStore store, AlertSettings settings, BiFunction<String, String, Optional<ChannelSettings>> channels,
      WebhookSender webhooks, MailSender mail, ObjectMapper json, Clock clock, String nodeId, BooleanSupplier leader,
      Listener listener, ScheduledExecutorService poller, ExecutorService senders) {
    this.store = store;
    this.settings = settings;
    this.channels = channels;
    this.webhooks = webhooks;
    this.mail = mail;
    this.json = json;
    this.clock = clock;
    this.nodeId = nodeId;
    this.leader = leader;
    this.listener = listener;
    this.poller = poller;
    this.senders = senders;
  }

  void start() {
    poller.scheduleWithFixedDelay(this::poll, settings.pollInterval().toMillis(), settings.pollInterval().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * New rows were stored: look soon rather than at the next poll. Wakes within {@link #WAKE_DELAY_MS} make one
   * round: a busy job raising an alert per run would otherwise read the due rows hundreds of times a second.
   */
  void wake() {
    if (!wakeQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      poller.schedule(() -> {
        wakeQueued.set(false);
        poll();
      }, WAKE_DELAY_MS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      wakeQueued.set(false); // stopping
    }
  }

  /** One round: digests first, then the due rows, grouped by target. Never throws. */
  void poll() {
    if (!leader.getAsBoolean()) {
      return;
    }
    try {
      Instant now = clock.instant();
      digests(now);
      Map<String, List<AlertStore.Row>> byTarget = new LinkedHashMap<>();
      for (AlertStore.Row row : store.due(now, 500)) {
        byTarget.computeIfAbsent(row.target(), t -> new ArrayList<>()).add(row);
      }
      byTarget.forEach((target, rows) -> {
        if (busyTargets.add(target)) {
          try {
            senders.execute(() -> {
              try {
                rows.forEach(this::sendOne);
              } finally {
                busyTargets.remove(target);
              }
            });
          } catch (RejectedExecutionException e) {
            busyTargets.remove(target);
          }
        }
      });
    } catch (Exception e) {
      log.warn("alert delivery round failed, the next one tries again: {}", e.getMessage());
    }
  }

  private void sendOne(AlertStore.Row row) {
    try {
      Instant now = clock.instant();
      if (!store.claim(row.id(), nodeId, now, now.plus(settings.claimLease()))) {
        return; // another round or node has it
      }
      Optional<ChannelSettings> found = channels.apply(row.target(), row.address());
      if (found.isEmpty()) {
        failed(row, now, "no channel named " + row.target()
            + ": define it under schedulerx-server.alerting.channels", true);
        return;
      }
      ChannelSettings channel = found.get();
      Alert alert = json.readValue(row.payload(), Alert.class);
      boolean test = row.kind() == AlertKind.TEST;
      boolean digest = row.kind() == AlertKind.DIGEST;
      if (!test && channel.silencedAt(now)) {
        if (digest) {
          store.settle(row.id(), nodeId, AlertStore.PENDING, now, false, now.plus(settings.pollInterval()), null);
        } else {
          suppress(row, now, "silence window " + channel.silence());
        }
        return;
      }
      if (channel.rateLimit() > 0 && store.sentSince(row.target(), now.minus(channel.rateWindow())) >= channel.rateLimit()) {
        if (digest || test) {
          store.settle(row.id(), nodeId, AlertStore.PENDING, now, false, now.plus(settings.pollInterval()), null);
        } else {
          suppress(row, now, "rate limit " + channel.rateLimit() + " per " + channel.rateWindow().toSeconds() + " s");
        }
        return;
      }
      try {
        if (channel.type().equals(ChannelSettings.MAIL)) {
          mail.send(channel.mailTo(), alert, row.key());
        } else {
          webhooks.send(channel, alert, row.key());
        }
      } catch (SendFailure f) {
        retryOrFail(row, f);
        return;
      }
      if (store.settle(row.id(), nodeId, AlertStore.SENT, clock.instant(), true, null, null)) {
        log.info("alert {} ({}) sent to {}", row.id(), describe(row), row.target());
        listener.sent(row);
      }
    } catch (Exception e) {
      log.warn("alert {} to {}: not sent this round, tried again: {}", row.id(), row.target(), e.toString());
    }
  }

  private void retryOrFail(AlertStore.Row row, SendFailure f) {
    Instant now = clock.instant();
    int attempts = row.attempts() + 1;
    if (f.permanent() || attempts >= settings.maxAttempts()) {
      failed(row, now, f.getMessage() + (f.permanent() ? "" : " (after " + attempts + " attempts)"), false);
      return;
    }
    Duration backoff = backoff(attempts);
    if (f.retryAfter() != null && f.retryAfter().compareTo(backoff) > 0) {
      backoff = f.retryAfter().compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : f.retryAfter();
    }
    if (store.settle(row.id(), nodeId, AlertStore.PENDING, now, true, now.plus(backoff), f.getMessage())) {
      log.debug("alert {} to {} not delivered ({}), attempt {} of {}; next in {} ms", row.id(), row.target(),
          f.getMessage(), attempts, settings.maxAttempts(), backoff.toMillis());
    }
  }

  /** Doubling from initial-backoff, capped at max-backoff. */
  Duration backoff(int attempts) {
    Duration d = settings.initialBackoff();
    for (int i = 1; i < attempts && d.compareTo(settings.maxBackoff()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : d;
  }

  private void failed(AlertStore.Row row, Instant now, String why, boolean configuration) {
    if (store.settle(row.id(), nodeId, AlertStore.FAILED, now, !configuration, null, why)) {
      log.warn("alert {} ({}) to {} failed: {}", row.id(), describe(row), row.target(), why);
      listener.failed(row, why);
    }
  }

  private void suppress(AlertStore.Row row, Instant now, String why) {
    if (store.settle(row.id(), nodeId, AlertStore.SUPPRESSED, now, false, null, why)) {
      log.info("alert {} ({}) to {} suppressed: {}; a digest follows", row.id(), describe(row), row.target(), why);
      listener.suppressed(row, why);
    }
  }

  private static String describe(AlertStore.Row row) {
    return row.jobName() == null ? row.kind().name()
        : row.kind() + " of " + (row.kind() == AlertKind.WORKFLOW_FAILURE ? "" : "job ") + row.jobName()
            + (row.instanceId() == null ? "" : ", instance " + row.instanceId());
  }

  /** One digest row per target whose suppressed rows are not summarised yet, once the target may be sent to. */
  private void digests(Instant now) throws Exception {
    for (AlertStore.Suppressed s : store.undigested()) {
      Optional<ChannelSettings> channel = channels.apply(s.target(), s.address());
      if (channel.isEmpty() || channel.get().silencedAt(now)) {
        continue;
      }
      ChannelSettings c = channel.get();
      if ((c.rateLimit() > 0 && store.sentSince(s.target(), now.minus(c.rateWindow())) >= c.rateLimit())
          || store.digestWaiting(s.target())) {
        continue;
      }
      String key = "digest:" + s.maxId() + "@" + s.target();
      List<String> summary = store.suppressedSummary(s.target(), s.maxId());
      Alert digest = new Alert("digest:" + s.maxId(), AlertKind.DIGEST, null, null, null, null, null, null,
          s.count() + " alert(s) not sent since " + s.first() + " (rate limit or silence window)", null, null, null, now,
          settings.consoleUrl().isEmpty() ? "" : settings.consoleUrl() + "/console/#/alerts", s.count(), false, summary);
      Optional<Long> id = store.insert(new AlertStore.NewRow(key, AlertKind.DIGEST, s.target(), s.address(), null, null,
          null, null, json.writeValueAsString(digest)), AlertStore.PENDING, now);
      long digestId = id.isPresent() ? id.get() : store.idOfKey(key).orElseThrow();
      int covered = store.markDigested(s.target(), s.maxId(), digestId);
      log.info("digest alert {} to {}: {} suppressed alert(s)", digestId, s.target(), covered);
    }
  }
}
