package dev.schedulerx.server.alert;

import dev.schedulerx.job.MonitorSettings;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.workflow.WfInstance;
import dev.schedulerx.server.workflow.WfNode;
import dev.schedulerx.server.workflow.Workflow;
import dev.schedulerx.server.workflow.WorkflowEvents;
import dev.schedulerx.server.workflow.Workflows;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WORKFLOW_FAILURE: a workflow run that ends FAILED raises one alert naming the workflow, the run and each failed
 * node (job, instance, worker, reason). The rules and contacts are the workflow's own {@code monitorConfig} and
 * {@code contact}, each falling back to its app group's (the official client sends none with a workflow, so its
 * workflows follow their group); {@code failEnable} and {@code globalNoticeSwitch} decide, and a workflow without
 * any, in a group without any, raises nothing. Evaluated on the alert rules' thread, like the job rules.
 */
final class WorkflowAlerts implements WorkflowEvents {
  private static final Logger log = LoggerFactory.getLogger(WorkflowAlerts.class);

  private final AlertService service;
  private final AlertRules rules;
  private final Workflows workflows;
  private final Function<String, Optional<MonitorSettings.JobAlerts>> groupRulesOf;
  private final Clock clock;
  /** Each workflow's rules as this node last read them, and since when (MIN: unchanged since first read). */
  private final Map<Long, Seen> seenRules = new ConcurrentHashMap<>();

  private record Seen(Optional<MonitorSettings.JobAlerts> alerts, Instant since) {}

  WorkflowAlerts(AlertService service, AlertRules rules, Workflows workflows,
      Function<String, Optional<MonitorSettings.JobAlerts>> groupRulesOf, Clock clock) {
    this.service = service;
    this.rules = rules;
    this.workflows = workflows;
    this.groupRulesOf = groupRulesOf;
    this.clock = clock;
  }

  @Override
  public void runEnded(WfInstance run) {
    if (run.state() == InstanceState.FAILED) {
      rules.async("failure of workflow instance " + run.id(), () -> failed(run));
    }
  }

  /**
   * The leader's sweep: raises the failure alert of a run that ended FAILED unless {@code existing} (alert keys)
   * has it. How many alert rows were new.
   */
  int sweep(long runId, Set<String> existing) {
    WfInstance run = workflows.run(runId).run();
    if (existing.contains(key(run))) {
      return 0;
    }
    Optional<Workflow> w = workflows.find(run.workflowId());
    if (w.isEmpty()) {
      return 0;
    }
    try {
      if (alertsOf(w.get()).map(a -> service.targets(a).isEmpty()).orElse(true)) {
        return 0; // no rules, or no target (the live rules said so once): nothing to sweep
      }
    } catch (IllegalArgumentException e) {
      return 0; // unusable settings: failed() says so when the run ends
    }
    Seen seen = seenRules.get(run.workflowId());
    if (seen != null && run.finishedAt() != null && run.finishedAt().isBefore(seen.since())) {
      return 0; // ended under other rules (see AlertRules.rulesSince)
    }
    return failed(run);
  }

  /** The workflow's own rules over its group's; remembers when they changed (for the sweep). */
  private Optional<MonitorSettings.JobAlerts> alertsOf(Workflow w) {
    Optional<MonitorSettings.JobAlerts> alerts = MonitorSettings.over(w.monitorConfig(), w.contact(),
        groupRulesOf.apply(w.groupId()));
    seenRules.compute(w.id(), (id, old) -> old == null ? new Seen(alerts, Instant.MIN)
        : old.alerts().equals(alerts) ? old : new Seen(alerts, clock.instant()));
    return alerts;
  }

  /** A failed run's alert key: a retried run that fails again ends at another time, so it is a new alert. */
  private static String key(WfInstance run) {
    long endedAt = run.finishedAt() == null ? 0 : run.finishedAt().toEpochMilli();
    return "WORKFLOW_FAILURE:workflow:" + run.workflowId() + ":run:" + run.id() + ":ended:" + endedAt;
  }

  private int failed(WfInstance run) {
    Optional<Workflow> workflow = workflows.find(run.workflowId());
    if (workflow.isEmpty()) {
      return 0;
    }
    Workflow w = workflow.get();
    Optional<MonitorSettings.JobAlerts> alerts;
    try {
      alerts = alertsOf(w).filter(a -> a.monitor().globalNoticeSwitch() && a.monitor().failEnable());
    } catch (IllegalArgumentException e) {
      log.warn("workflow {} ({}): its alert settings (or group {}'s) are ignored: {}", w.id(), w.name(), w.groupId(),
          e.getMessage());
      return 0;
    }
    if (alerts.isEmpty()) {
      log.debug("workflow instance {} of {} failed: no failure alerts for it or group {}", run.id(), w.name(), w.groupId());
      return 0;
    }
    List<String> details = new ArrayList<>();
    List<String> notRun = new ArrayList<>();
    for (WfNode n : workflows.run(run.id()).nodes()) {
      if (n.state() == InstanceState.FAILED || n.state() == InstanceState.KILLED) {
        String worker = n.jobInstanceId() == null ? null : rules.workerOf(n.jobInstanceId());
        details.add("failed node: " + n.jobName() + " (job " + n.jobId() + ", instance "
            + (n.jobInstanceId() == null ? "none" : n.jobInstanceId()) + (worker == null ? "" : " on " + worker) + ") "
            + n.state()
            + (n.result() == null || n.result().isBlank() ? "" : ": " + abbreviate(n.result())));
      } else if (n.state() == InstanceState.WAITING) {
        notRun.add(n.jobName());
      }
    }
    if (!notRun.isEmpty()) {
      details.add("not run: " + String.join(", ", notRun));
    }
    Alert alert = new Alert(key(run), AlertKind.WORKFLOW_FAILURE, w.groupId(), null, null, null, null, null, run.reason(), run.scheduleTime(),
        run.createdAt(), run.finishedAt(), clock.instant(), service.workflowLink(run.id()), 0,
        alerts.get().monitor().webhookIsAtAll(), details, new Alert.WorkflowRun(w.id(), w.name(), run.id()));
    return service.raise(alert, alerts.get());
  }

  private static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ").trim();
    return one.length() <= 300 ? one : one.substring(0, 300) + "...";
  }
}
