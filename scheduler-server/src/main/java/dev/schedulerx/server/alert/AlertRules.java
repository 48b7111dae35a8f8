package dev.schedulerx.server.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.job.MonitorSettings;
import dev.schedulerx.job.schedule.Schedules;
import dev.schedulerx.server.dispatch.InstanceEvents;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.JobRepository;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns instance events into alerts, per the job's {@code monitorConfig}: consecutive failures (an instance's own
 * retries count as one run, a success resets), the failure rate of a distributed run, timeout (optionally ending
 * the run), no live worker, all workers busy, deadline, success and recovery notices. The events arrive on store and
 * scheduling threads; everything that reads or writes the database runs on the rules' own single thread, in order.
 */
final class AlertRules implements InstanceEvents {
  private static final Logger log = LoggerFactory.getLogger(AlertRules.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AlertService service;
  private final JobRepository jobs;
  private final InstanceRepository instances;
  private final Function<JobDefinition, Optional<MonitorSettings.JobAlerts>> settingsOf;
  private final Clock clock;
  private final ExecutorService executor;
  /** Parsed settings per job, kept while the job object is the same (the repository hands out new ones on change). */
  private final Map<Long, Parsed> parsed = new ConcurrentHashMap<>();
  /**
   * Runs accepted by a worker while their job had no rules: their end is not evaluated, so a run's end costs no read
   * of its job (a wide workflow ends a thousand at once). Rules set while a run goes on apply from the next run.
   */
  private final Set<Long> startedWithoutRules = ConcurrentHashMap.newKeySet();
  /** Entries kept at most: an end never reported leaves one behind, and losing them all costs only reads. */
  private static final int MAX_STARTED_WITHOUT_RULES = 100_000;
  /** Runs already alerted as overdue (timeout, deadline) on this node: the pass sees them every second. */
  private final Set<String> overdueAlerted = ConcurrentHashMap.newKeySet();

  /** {@code since}: when this node saw the rules take this form; MIN when unchanged since it first read them. */
  private record Parsed(JobDefinition job, Optional<MonitorSettings.JobAlerts> alerts, Instant since) {}

  AlertRules(AlertService service, JobRepository jobs, InstanceRepository instances,
      Function<JobDefinition, Optional<MonitorSettings.JobAlerts>> settingsOf, Clock clock, ExecutorService executor) {
    this.service = service;
    this.jobs = jobs;
    this.instances = instances;
    this.settingsOf = settingsOf;
    this.clock = clock;
    this.executor = executor;
  }

  /** The job's rules, or empty when it has none (or they are switched off). Never throws. */
  Optional<MonitorSettings.JobAlerts> rulesOf(JobDefinition job) {
    Parsed p = parsed.get(job.id());
    if (p == null || p.job() != job) {
      Optional<MonitorSettings.JobAlerts> alerts;
      try {
        alerts = settingsOf.apply(job).filter(a -> a.monitor().globalNoticeSwitch());
      } catch (IllegalArgumentException e) {
        if (p == null || !p.job().equals(job)) {
          log.warn("job {} ({}): alert settings ignored: {}", job.id(), job.name(), e.getMessage());
        }
        alerts = Optional.empty();
      }
      Instant since = p == null ? Instant.MIN : p.alerts().equals(alerts) ? p.since() : clock.instant();
      p = new Parsed(job, alerts, since);
      parsed.put(job.id(), p);
    }
    return p.alerts();
  }

  /**
   * When this node saw the job's rules (as {@link #rulesOf} last read them) change to what they are: runs that ended
   * before were evaluated with other rules, and the sweep leaves them alone (turning success notices on must not
   * notify the runs of the last minutes). {@link Instant#MIN} when they have not changed since this node first read
   * them, or it never did.
   */
  Instant rulesSince(long jobId) {
    Parsed p = parsed.get(jobId);
    return p == null ? Instant.MIN : p.since();
  }

  /** Runs {@code work} on the rules' thread; a failure or a full queue is logged, never thrown. */
  void async(String what, Runnable work) {
    try {
      executor.execute(() -> {
        try {
          work.run();
        } catch (RuntimeException e) {
          log.warn("alert rules: {} not evaluated: {}", what, e.toString());
        }
      });
    } catch (RejectedExecutionException e) {
      log.warn("alert rules: {} dropped (queue full or stopping)", what);
    }
  }

  @Override
  public void started(JobDefinition job, JobInstance instance, Instant acceptedAt) {
    if (rulesOf(job).isEmpty()) {
      if (startedWithoutRules.size() >= MAX_STARTED_WITHOUT_RULES) {
        startedWithoutRules.clear();
      }
      startedWithoutRules.add(instance.id());
    }
  }

  @Override
  public void runEnded(long instanceId, long jobId, InstanceState state) {
    overdueAlerted.remove("TIMEOUT:" + instanceId);
    overdueAlerted.remove("DEADLINE:" + instanceId);
    boolean withoutRules = startedWithoutRules.remove(instanceId);
    if (withoutRules || state != InstanceState.SUCCESS && state != InstanceState.FAILED) {
      return; // no rules when it started; or killed by a user, skipped: not a run's outcome
    }
    async("end of instance " + instanceId, () -> ended(instanceId, jobId, state));
  }

  private void ended(long instanceId, long jobId, InstanceState state) {
    Optional<JobDefinition> job = jobs.findById(jobId);
    if (job.isEmpty()) {
      return;
    }
    Optional<MonitorSettings.JobAlerts> rules = rulesOf(job.get());
    if (rules.isEmpty()) {
      return;
    }
    JobInstance instance = instances.findById(instanceId).orElse(null);
    if (instance == null) {
      return;
    }
    MonitorSettings m = rules.get().monitor();
    Instant now = clock.instant();
    AlertStore.Streak streak = service.store().streak(jobId);
    if (state == InstanceState.SUCCESS) {
      if (streak.failures() > 0) {
        if (streak.alerted()) {
          service.raise(alert(AlertKind.RECOVERY, job.get(), instance, m,
              "succeeded after " + streak.failures() + " failed run(s) in a row", streak.failures()), rules.get());
        }
        service.store().saveStreak(jobId, AlertStore.Streak.NONE, now);
      }
      if (m.successNotice()) {
        service.raise(alert(AlertKind.SUCCESS, job.get(), instance, m, instance.result(), 0), rules.get());
      }
      failRate(job.get(), instance, m, rules.get());
      return;
    }
    failRate(job.get(), instance, m, rules.get());
    if (instance.attempt() < job.get().maxAttempt()) {
      return; // the instance is retried: its retries and it count as one run
    }
    int failures = streak.failures() + 1;
    boolean alert = m.failEnable() && failures >= m.failLimitTimes();
    service.store().saveStreak(jobId, new AlertStore.Streak(failures, streak.alerted() || alert), now);
    if (alert) {
      service.raise(alert(AlertKind.FAILURE, job.get(), instance, m, instance.result(), failures), rules.get());
    } else {
      log.debug("job {}: failure {} of {} before an alert", job.get().name(), failures, m.failLimitTimes());
    }
  }

  /** FAIL_RATE: the share of failed sub-tasks of a distributed run reached {@code failRate} percent. */
  private void failRate(JobDefinition job, JobInstance instance, MonitorSettings m, MonitorSettings.JobAlerts rules) {
    if ("standalone".equals(job.executeMode()) || instance.progress() == null || instance.progress().isBlank()) {
      return;
    }
    long total = 0;
    long failed = 0;
    try {
      for (JsonNode w : JSON.readTree(instance.progress()).path("workerProgress")) {
        total += w.path("total").asLong();
        failed += w.path("failed").asLong();
      }
    } catch (Exception e) {
      return;
    }
    if (total > 0 && failed > 0 && failed * 100 >= (long) m.failRate() * total) {
      service.raise(alert(AlertKind.FAIL_RATE, job, instance, m,
          failed + " of " + total + " sub-tasks failed (" + (failed * 100 / total) + "%, alert at " + m.failRate() + "%)", 0),
          rules);
    }
  }

  @Override
  public void noWorker(JobDefinition job, JobInstance instance) {
    rulesOf(job).filter(r -> r.monitor().missWorkerEnable()).ifPresent(r -> async("no-worker alert", () ->
        service.raise(alert(AlertKind.NO_WORKER, job, instance, r.monitor(), "no live worker in group " + job.groupId(), 0), r)));
  }

  @Override
  public void allWorkersBusy(JobDefinition job, JobInstance instance, String why) {
    rulesOf(job).filter(r -> r.monitor().missWorkerEnable()).ifPresent(r -> async("all-busy alert", () ->
        service.raise(alert(AlertKind.ALL_BUSY, job, instance, r.monitor(), "every live worker refused the run: " + why, 0), r)));
  }

  @Override
  public String stillRunning(JobDefinition job, JobInstance instance, Instant now) {
    Optional<MonitorSettings.JobAlerts> rules = rulesOf(job);
    if (rules.isEmpty() || instance.startedAt() == null) {
      return null;
    }
    MonitorSettings m = rules.get().monitor();
    String end = null;
    if (m.timeoutEnable() && m.timeout() > 0 && !instance.startedAt().plusSeconds(m.timeout()).isAfter(now)) {
      String why = "still running after " + m.timeout() + " s (timeout)";
      if (overdueAlerted.add("TIMEOUT:" + instance.id())) {
        async("timeout alert", () -> service.raise(alert(AlertKind.TIMEOUT, job, instance, m,
            why + (m.timeoutKillEnable() ? "; the run is stopped" : "; the run goes on"), 0), rules.get()));
      }
      if (m.timeoutKillEnable()) {
        end = "timeout: " + why + ", stopped by monitorConfig.timeoutKillEnable";
      }
    }
    if (m.deadline() != null) {
      ZoneId zone = Schedules.zoneOf(job.timeZone(), clock.getZone());
      Instant deadline = instance.scheduleTime().atZone(zone).toLocalDate().plusDays(m.daysOfDeadline())
          .atTime(m.deadline()).atZone(zone).toInstant();
      if (!now.isBefore(deadline) && overdueAlerted.add("DEADLINE:" + instance.id())) {
        async("deadline alert", () -> service.raise(alert(AlertKind.DEADLINE, job, instance, m,
            "not finished by " + m.deadline() + (m.daysOfDeadline() == 0 ? "" : " + " + m.daysOfDeadline() + " day(s)"), 0),
            rules.get()));
      }
    }
    return end;
  }

  /** Where an instance ran, {@code workerId@host:port}; null before it started somewhere or when it is gone. */
  String workerOf(long instanceId) {
    return instances.findById(instanceId).map(AlertRules::worker).orElse(null);
  }

  private static String worker(JobInstance i) {
    return i.workerAddr() == null ? null : (i.workerId() == null ? "" : i.workerId() + "@") + i.workerAddr();
  }

  /** The key of a job's alert about one instance (without the target). */
  static String key(AlertKind kind, long jobId, long instanceId) {
    return kind.name() + ":job:" + jobId + ":instance:" + instanceId;
  }

  Alert alert(AlertKind kind, JobDefinition job, JobInstance i, MonitorSettings m, String reason, int count) {
    String key = key(kind, job.id(), i.id());
    String worker = worker(i);
    return new Alert(key, kind, job.groupId(), job.id(), job.name(), i.id(), i.attempt(), worker, reason,
        i.scheduleTime(), i.startedAt(), i.finishedAt(), clock.instant(), service.link(i.id()), count, m.webhookIsAtAll(),
        List.of());
  }
}
