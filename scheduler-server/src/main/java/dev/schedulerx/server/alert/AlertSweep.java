package dev.schedulerx.server.alert;

import dev.schedulerx.job.MonitorSettings;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.JobRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's sweep for alerts that were never raised. A run's end is stored first and its alert after, by the rules'
 * thread of the node that stored the end: a leader that dies in between leaves an ended run without its alert, and
 * nobody would raise it. The sweep looks at the runs that ended in the last {@code sweep.window} and raises what their
 * rules call for and is not stored yet: FAILURE of a final attempt (the failLimitTimes streak counted from the job's
 * history), RECOVERY, SUCCESS notices and WORKFLOW_FAILURE. Keys are those of the live rules, so an alert they
 * raised is never raised again, and a sweep racing them stores nothing twice. FAIL_RATE, TIMEOUT, DEADLINE and the
 * worker alerts are not swept (they are raised while a run is due or running, not from its end).
 *
 * <p>The stored failure streak is left to the live rules: a failure only the sweep saw is not in it (the job's next
 * failure counts one fewer). The sweep evaluates the rules as they are now; a run that ended before this node saw
 * them change is left alone, so turning success notices on does not notify the runs of the last minutes.
 */
final class AlertSweep {
  private static final Logger log = LoggerFactory.getLogger(AlertSweep.class);
  /** Ends this recent are left to the live rules, which may be evaluating them right now. */
  static final Duration GRACE = Duration.ofSeconds(2);
  /** Ended runs one sweep looks at; beyond that (a very busy window) the oldest are seen and the rest next time. */
  private static final int LIMIT = 20_000;
  /** Runs of a job read back to count a failure streak. */
  private static final int HISTORY = 200;

  private final AlertService service;
  private final AlertRules rules;
  private final AlertStore store;
  private final JobRepository jobs;
  private final InstanceRepository instances;
  private final Supplier<WorkflowAlerts> workflowAlerts;
  private final Duration window;
  private final Clock clock;

  AlertSweep(AlertService service, AlertRules rules, AlertStore store, JobRepository jobs, InstanceRepository instances,
      Supplier<WorkflowAlerts> workflowAlerts, Duration window, Clock clock) {
    this.service = service;
    this.rules = rules;
    this.store = store;
    this.jobs = jobs;
    this.instances = instances;
    this.workflowAlerts = workflowAlerts;
    this.window = window;
    this.clock = clock;
  }

  /** One pass, on the rules' thread (after the evaluations queued before it); how many alert rows it stored. */
  int run() {
    Instant now = clock.instant();
    Instant from = now.minus(window);
    Instant to = now.minus(GRACE);
    Set<String> existing = store.alertKeysSince(from); // a run's alerts are stored after its end
    List<AlertStore.Ended> ended = store.endedInstances(from, to, LIMIT);
    Map<Long, Optional<JobDefinition>> jobsById = new HashMap<>();
    // the state of each job's previous run in this window: a success after a success needs no recovery look-up
    Map<Long, InstanceState> previous = new HashMap<>();
    int raised = 0;
    for (AlertStore.Ended e : ended) {
      Optional<JobDefinition> job = jobsById.computeIfAbsent(e.jobId(), jobs::findById);
      InstanceState before = previous.put(e.jobId(), e.state());
      if (job.isPresent()) {
        raised += instance(job.get(), e, before, existing);
      }
    }
    WorkflowAlerts workflows = workflowAlerts.get();
    if (workflows != null) {
      for (long runId : store.failedWorkflowRuns(from, to, LIMIT)) {
        raised += workflows.sweep(runId, existing);
      }
    }
    if (raised > 0) {
      log.info("alert sweep: raised {} alert(s) for runs that ended since {} without one (a leader stopped before"
          + " storing them)", raised, from);
    }
    if (ended.size() == LIMIT) {
      log.info("alert sweep: {} runs ended in the last {}; the newest are left to the next sweep", LIMIT, window);
    }
    return raised;
  }

  private int instance(JobDefinition job, AlertStore.Ended e, InstanceState before, Set<String> existing) {
    Optional<MonitorSettings.JobAlerts> alerts = rules.rulesOf(job);
    if (alerts.isEmpty() || e.finishedAt().isBefore(rules.rulesSince(job.id()))
        || service.targets(alerts.get()).isEmpty()) { // no target: the live rules said so once, the sweep stays quiet
      return 0;
    }
    MonitorSettings m = alerts.get().monitor();
    boolean success = e.state() == InstanceState.SUCCESS;
    boolean notice = success && m.successNotice() && !existing.contains(key(AlertKind.SUCCESS, job, e));
    boolean recovery = success && m.failEnable() && before != InstanceState.SUCCESS
        && !existing.contains(key(AlertKind.RECOVERY, job, e));
    boolean failure = !success && m.failEnable() && !existing.contains(key(AlertKind.FAILURE, job, e));
    if (!notice && !recovery && !failure) {
      return 0;
    }
    JobInstance instance = instances.findById(e.instanceId()).orElse(null);
    if (instance == null) {
      return 0;
    }
    int raised = 0;
    if (notice) {
      raised += service.raise(rules.alert(AlertKind.SUCCESS, job, instance, m, instance.result(), 0), alerts.get());
    }
    if (recovery) {
      int failures = failuresInARow(job, instance, false, m.failLimitTimes());
      if (failures >= m.failLimitTimes()) {
        raised += service.raise(rules.alert(AlertKind.RECOVERY, job, instance, m,
            "succeeded after " + failures + " failed run(s) in a row", failures), alerts.get());
      }
    }
    if (failure && instance.attempt() >= job.maxAttempt()) { // a retried attempt is not the run's end
      int failures = m.failLimitTimes() == 1 ? 1 : failuresInARow(job, instance, true, Integer.MAX_VALUE);
      if (failures >= m.failLimitTimes()) {
        raised += service.raise(rules.alert(AlertKind.FAILURE, job, instance, m, instance.result(), failures),
            alerts.get());
      }
    }
    return raised;
  }

  private static String key(AlertKind kind, JobDefinition job, AlertStore.Ended e) {
    return AlertRules.key(kind, job.id(), e.instanceId());
  }

  /**
   * Final failed runs of the job in a row up to {@code instance} (with it when {@code including}), newest schedule
   * first: a success ends the streak, retried attempts and stopped runs do not count. Stops at {@code enough}, and
   * after {@value #HISTORY} runs.
   */
  private int failuresInARow(JobDefinition job, JobInstance instance, boolean including, int enough) {
    int failures = 0;
    boolean reached = false;
    for (JobInstance i : instances.findByJob(job.id(), null, null, instance.scheduleTime(), 0, HISTORY)) {
      if (!reached) {
        reached = i.id() == instance.id(); // later attempts of the same schedule time come first
        if (!reached || !including) {
          continue;
        }
      }
      if (i.state() == InstanceState.SUCCESS) {
        break;
      }
      if (i.state() == InstanceState.FAILED && i.attempt() >= job.maxAttempt() && ++failures >= enough) {
        break;
      }
    }
    return failures;
  }
}
