package dev.schedulerx.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.common.embedded.EmbeddedServer;
import dev.schedulerx.job.MonitorSettings;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.RemotingSettings;
import dev.schedulerx.server.alert.AlertRoutes;
import dev.schedulerx.server.alert.AlertService;
import dev.schedulerx.server.alert.AlertSettings;
import dev.schedulerx.server.audit.AuditTrail;
import dev.schedulerx.server.config.ServerSettings;
import dev.schedulerx.server.dispatch.DuePass;
import dev.schedulerx.server.dispatch.InstanceEnds;
import dev.schedulerx.server.dispatch.InstanceEvents;
import dev.schedulerx.server.dispatch.InstanceLifecycle;
import dev.schedulerx.server.dispatch.MasterResume;
import dev.schedulerx.server.gateway.WorkerGateway;
import dev.schedulerx.server.group.AppGroups;
import dev.schedulerx.server.group.GroupGuard;
import dev.schedulerx.server.ha.Leadership;
import dev.schedulerx.server.http.HttpApi;
import dev.schedulerx.server.http.WorkflowRoutes;
import dev.schedulerx.server.metrics.MetricsRoutes;
import dev.schedulerx.server.metrics.ServerHealth;
import dev.schedulerx.server.metrics.ServerMetrics;
import dev.schedulerx.server.registry.WorkerRegistry;
import dev.schedulerx.server.remote.RemoteEndpoints;
import dev.schedulerx.server.store.AppGroup;
import dev.schedulerx.server.store.AppGroupRepository;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.JdbcUrls;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.store.LeaderLease;
import dev.schedulerx.server.store.LogRepository;
import dev.schedulerx.server.store.MasterLogRepository;
import dev.schedulerx.server.store.OperationRepository;
import dev.schedulerx.server.store.ServerDatabase;
import dev.schedulerx.server.workflow.WorkflowEngine;
import dev.schedulerx.server.workflow.Workflows;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Await;

/**
 * The self-hosted SchedulerX-compatible scheduler server: database, remoting endpoints, HTTP and the
 * due-pass. Built with {@link #builder(ServerSettings)}; nothing is static, so several can run in one JVM.
 */
public final class SchedulerServer implements EmbeddedServer {
  /** Printed by {@code bin/schedulerx-server --version}. */
  public static final String VERSION = "0.1.0";

  private static final Logger log = LoggerFactory.getLogger(SchedulerServer.class);

  /** How often the due-pass looks at its in-memory plans: the scheduling delay added to a run's start. */
  private static final long DUE_TICK_MILLIS = 2;
  /** How old the in-memory list of app groups may get before a lookup re-reads it (changes on other nodes). */
  private static final java.time.Duration GROUP_REFRESH = java.time.Duration.ofSeconds(2);

  /** How often the workflow engine fires due cron workflows and re-reads unfinished runs. */
  private static final long WORKFLOW_TICK_MILLIS = 500;

  private final ServerSettings settings;
  private final Clock clock;
  private ServerDatabase database;
  private ActorSystem system;
  private HttpApi http;
  private ServerMetrics metrics;
  private ServerHealth health;
  private ExecutorService storeExecutor;
  private ScheduledExecutorService scheduler;
  private WorkflowEngine workflowEngine;
  private Workflows workflows;
  private int httpPort;
  private String remotingAddress;
  private String nodeId;
  private Leadership leadership;
  /** Written on the scheduling thread; the workflow engine reads its grace rule. */
  private volatile DuePass duePass;

  private final AlertSettings alertSettings;
  private final Function<JobDefinition, Optional<MonitorSettings.JobAlerts>> alertRulesOf;
  private AlertService alerts;

  private final MasterResume.Settings resumeSettings;
  /** Master resume; null when off. */
  private MasterResume resume;

  private SchedulerServer(ServerSettings settings, Clock clock, AlertSettings alertSettings,
      Function<JobDefinition, Optional<MonitorSettings.JobAlerts>> alertRulesOf, MasterResume.Settings resumeSettings) {
    this.resumeSettings = Objects.requireNonNull(resumeSettings, "resumeSettings");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.alertSettings = Objects.requireNonNull(alertSettings, "alertSettings");
    this.alertRulesOf = alertRulesOf; // null: the job's stored monitorConfig and contact, group defaults filled in
  }

  public static Builder builder(ServerSettings settings) {
    return new Builder(settings);
  }

  /** Assembles a server; the clock defaults to the system clock. */
  public static final class Builder {
    private final ServerSettings settings;
    private Clock clock = Clock.systemDefaultZone();

    private Builder(ServerSettings settings) {
      this.settings = settings;
    }

    private AlertSettings alerting = AlertSettings.DEFAULT;
    private MasterResume.Settings resume = MasterResume.Settings.DEFAULT;
    private Function<JobDefinition, Optional<MonitorSettings.JobAlerts>> alertRulesOf;

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Alert channels and delivery (the {@code alerting} block); default: on, no channel. */
    public Builder alerting(AlertSettings alerting) {
      this.alerting = alerting;
      return this;
    }

    /** Where a job's alert rules come from; default: its stored monitorConfig and contact. */
    public Builder alertRulesOf(Function<JobDefinition, Optional<MonitorSettings.JobAlerts>> rulesOf) {
      this.alertRulesOf = rulesOf;
      return this;
    }

    /** Master resume (the {@code resume} block); default: on, 3 hand-overs per instance. */
    public Builder resume(MasterResume.Settings resume) {
      this.resume = resume;
      return this;
    }

    public SchedulerServer build() {
      return new SchedulerServer(settings, clock, alerting, alertRulesOf, resume);
    }
  }

  /** Opens the database, binds remoting and HTTP, starts scheduling. Returns once everything listens. */
  public SchedulerServer start() {
    database =
        ServerDatabase.open(
            settings.database().effectiveUrl(settings.dataDir()),
            settings.database().user(),
            settings.database().password(),
            settings.database().poolSize());
    // The API run route reads jobs from memory, as fresh as the due-pass's full pass.
    JobRepository jobs = new JobRepository(database.dataSource(), clock, settings.schedulePollInterval());
    InstanceRepository instances = new InstanceRepository(database.dataSource());
    storeExecutor = Executors.newFixedThreadPool(settings.database().poolSize(), named("sx-server-store"));
    scheduler = Executors.newSingleThreadScheduledExecutor(named("sx-server-schedule"));

    system = ActorSystem.create("server",
        RemotingSettings.of(settings.host(), settings.remotingPort()).withTls(settings.tls()).toConfig());
    Address bound = ((ExtendedActorSystem) system).provider().getDefaultAddress();
    remotingAddress = bound.getHost().orElseThrow() + ":" + bound.getPort().orElseThrow();

    WorkerRegistry registry = new WorkerRegistry(clock, settings.workerTimeout());
    AppGroups appGroups = new AppGroups(new AppGroupRepository(database.dataSource()), clock, GROUP_REFRESH, storeExecutor);
    appGroups.seed(settings.groups());
    GroupGuard groups = new GroupGuard(appGroups);
    WorkerGateway gateway = new WorkerGateway(system, settings.submitTimeout());
    metrics = new ServerMetrics(
        appGroups.all().stream().map(AppGroup::groupId).toList(), registry, jobs, this::isLeader, clock);
    health = new ServerHealth(database.dataSource(), this::isLeader);
    nodeId = remotingAddress + "#" + UUID.randomUUID().toString().substring(0, 8);
    Function<JobDefinition, Optional<MonitorSettings.JobAlerts>> rulesOf = alertRulesOf != null ? alertRulesOf
        : job -> appGroups.find(job.groupId())
            .map(g -> MonitorSettings.of(job.monitorConfig(), job.contact(), g.monitorConfig(), g.contact()))
            .orElseGet(() -> MonitorSettings.of(job.monitorConfig(), job.contact(), "", ""));
    alerts = new AlertService(alertSettings, database.dataSource(), jobs, instances, rulesOf, clock, nodeId,
        this::isLeader, () -> settings.tls().httpScheme() + "://" + settings.host() + ":" + httpPort, metrics.meterRegistry());
    InstanceEvents instanceEvents = InstanceEvents.all(List.of(metrics, alerts.rules()));
    InstanceEnds ends = new InstanceEnds(jobs, instances, registry, gateway, clock, storeExecutor, scheduler, instanceEvents);
    InstanceLifecycle lifecycle =
        new InstanceLifecycle(jobs, instances, registry, gateway, groups, clock, storeExecutor, scheduler, ends, instanceEvents);
    workflowEngine = new WorkflowEngine(database.dataSource(), jobs, instances, lifecycle, ends, clock, this::isLeader,
        group -> {
          DuePass pass = duePass;
          return pass == null || !pass.holdsRunsOf(group);
        });
    lifecycle.workflowNodes(workflowEngine);
    ends.workflowNodes(workflowEngine);
    workflows = new Workflows(workflowEngine, jobs, clock);
    LogRepository instanceLogs = new LogRepository(database.dataSource());
    if (resumeSettings.enabled()) {
      MasterLogRepository masterLogs = new MasterLogRepository(database.dataSource(),
          database.sharedByNodes() ? null : settings.dataDir().resolve("master-log"));
      resume = new MasterResume(resumeSettings, masterLogs, instanceLogs, registry,
          gateway, groups, clock, storeExecutor, metrics.meterRegistry());
      lifecycle.masterResume(resume);
      ends.masterResume(resume);
    }
    workflowEngine.events(alerts.workflowRules(workflows,
        groupId -> appGroups.find(groupId).flatMap(g -> MonitorSettings.of("", "", g.monitorConfig(), g.contact()))));
    // The HTTP port is known once HTTP listens, before the first lease round.
    leadership = new Leadership(new LeaderLease(database.dataSource()), clock, nodeId, remotingAddress,
        () -> settings.host() + ":" + httpPort, settings.lease().ttl());
    RemoteEndpoints.start(system, registry, groups, lifecycle, ends,
        () -> leadership.otherLeader().map(LeaderLease.Holder::remotingAddr), resume);

    ObjectMapper json = HttpApi.jsonMapper();
    http = new HttpApi(settings, groups, leadership::leaderRemotingAddress, () -> leadership.otherLeader().map(LeaderLease.Holder::httpAddr),
        jobs, instances, lifecycle, ends, registry, instanceLogs, appGroups,
        new AuditTrail(new OperationRepository(database.dataSource()), json, clock), json);
    http.addRoutes(app -> MetricsRoutes.register(app, health, metrics));
    WorkflowRoutes.install(http, workflows, jobs, instances, appGroups);
    http.addRoutes(app -> AlertRoutes.register(app, alerts));
    httpPort = http.start();
    alerts.start();

    long pollMillis = Math.max(10, settings.schedulePollInterval().toMillis());
    long renewMillis = Math.max(10, settings.lease().renewInterval().toMillis());
    scheduler.scheduleWithFixedDelay(
        () -> renewLease(jobs, instances, lifecycle, ends, registry), 0, renewMillis, TimeUnit.MILLISECONDS);
    // Ticks start what is due from memory; a full pass (database) runs every schedule-poll-interval.
    scheduler.scheduleWithFixedDelay(this::duePass, pollMillis, DUE_TICK_MILLIS, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(
        () -> purge(instances), 1, 60, TimeUnit.MINUTES);
    // Workflow runs advance on instance ends; the tick fires cron workflows and reconciles from the database.
    scheduler.scheduleWithFixedDelay(workflowEngine::tick, pollMillis, WORKFLOW_TICK_MILLIS, TimeUnit.MILLISECONDS);
    log.info("scheduler server ready: {} {}:{}, remoting {}://server@{}, database {}",
        settings.tls().httpScheme(), settings.host(), httpPort, ActorPaths.schemeOf(system), remotingAddress,
        JdbcUrls.redact(settings.database().effectiveUrl(settings.dataDir())).split(";")[0]);
    return this;
  }

  /** On the scheduling thread: one lease round, and scheduling started or stopped accordingly. */
  private void renewLease(
      JobRepository jobs, InstanceRepository instances, InstanceLifecycle lifecycle, InstanceEnds ends,
      WorkerRegistry registry) {
    Instant now = clock.instant();
    Leadership.Round round = leadership.renew(now);
    if (round == Leadership.Round.NOT_HELD) {
      if (duePass != null) {
        ends.leadershipLost();
      }
      duePass = null; // a later acquisition starts from the database again, not from this pass's memory
      return;
    }
    if (duePass == null) {
      duePass = new DuePass(jobs, instances, lifecycle, ends, registry, clock, now, now.plus(settings.workerTimeout()),
          storeExecutor, settings.schedulePollInterval());
    }
    if (round == Leadership.Round.GAINED && resume != null) {
      resume.leadershipGained();
    }
  }

  /** On the scheduling thread: one due-pass, only while this node holds an unexpired lease. */
  private void duePass() {
    if (duePass != null && leadership.isLeader()) {
      duePass.run();
    }
  }

  /** Whether this node holds the leader lease (and so schedules). */
  public boolean isLeader() {
    return leadership != null && leadership.isLeader();
  }

  /** This node's id in the leader lease. */
  public String nodeId() {
    return nodeId;
  }

  private void purge(InstanceRepository instances) {
    try {
      int purged = instances.purgeFinishedBefore(clock.instant().minus(settings.historyRetention()));
      if (purged > 0) {
        log.info("purged {} finished instances older than {}", purged, settings.historyRetention());
      }
      if (resume != null) {
        resume.purgeEndedLogs();
      }
    } catch (RuntimeException e) {
      log.warn("purge of old instances failed, will try again: {}", e.toString());
    }
  }

  /** Workflow definitions, runs and operator actions. */
  public Workflows workflows() {
    return workflows;
  }

  @Override
  public int httpPort() {
    return httpPort;
  }

  /** {@code host:port} of the remoting endpoint, as discovery hands it to workers. */
  public String remotingAddress() {
    return remotingAddress;
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (leadership != null) {
      leadership.release();
    }
    if (workflowEngine != null) {
      workflowEngine.close();
    }
    if (alerts != null) {
      alerts.close();
    }
    if (http != null) {
      http.close();
    }
    if (health != null) {
      health.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (system != null) {
      system.terminate();
      try {
        Await.ready(system.whenTerminated(), scala.concurrent.duration.Duration.create(10, TimeUnit.SECONDS));
      } catch (Exception e) {
        log.warn("server actor system did not stop within 10 s");
      }
    }
    if (storeExecutor != null) {
      storeExecutor.shutdown();
      try {
        storeExecutor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (database != null) {
      database.close();
    }
    log.info("scheduler server stopped");
  }

  static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

}
