package dev.schedulerx.server.dispatch;

import dev.schedulerx.job.ExecuteMode;
import dev.schedulerx.server.gateway.WorkerCapabilities;
import dev.schedulerx.server.gateway.WorkerGateway;
import dev.schedulerx.server.group.GroupGuard;
import dev.schedulerx.server.registry.WorkerInfo;
import dev.schedulerx.server.registry.WorkerRegistry;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.LogRepository;
import dev.schedulerx.server.store.MasterLogRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Master resume: a running Map/MapReduce/sharding instance whose master died goes on, the same instance and
 * attempt, on another live worker of its group, which rebuilds the master's state from the operation log the
 * dead master wrote here. Each hand-over raises the instance's master epoch; the log refuses appends of older
 * epochs and final reports of a replaced master are ignored, so a master that comes back cannot change the
 * outcome. Only our daemons keep such a log: an instance whose master kept none fails as before.
 */
public final class MasterResume {
  private static final Logger log = LoggerFactory.getLogger(MasterResume.class);
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /**
   * @param enabled whether this server resumes instances at all ({@code schedulerx-server.resume.enabled})
   * @param maxResumes hand-overs one instance may have; beyond them its master's death fails it
   */
  public record Settings(boolean enabled, int maxResumes) {
    public static final Settings DEFAULT = new Settings(true, 3);
    public static final Settings OFF = new Settings(false, 0);

    /** The {@code schedulerx-server.resume} block. */
    public static Settings fromConfig(com.typesafe.config.Config root) {
      com.typesafe.config.Config c = root.getConfig("schedulerx-server.resume");
      int max = c.getInt("max-resumes");
      if (max < 0) {
        throw new com.typesafe.config.ConfigException.BadValue(c.origin(), "schedulerx-server.resume.max-resumes",
            "must not be negative (0 = never resume)");
      }
      return new Settings(c.getBoolean("enabled"), max);
    }
  }

  private final Settings settings;
  private final MasterLogRepository logs;
  private final LogRepository instanceLogs;
  private final WorkerRegistry registry;
  private final WorkerGateway gateway;
  private final GroupGuard groups;
  private final Clock clock;
  private final Executor storeExecutor;
  /** Instances whose master appended a log here (their rows go when they end). */
  private final Set<Long> logged = ConcurrentHashMap.newKeySet();
  /** Resumed instances and their current master's {@code host:port}: reports from any other are ignored. */
  private final Map<Long, String> currentMaster = new ConcurrentHashMap<>();

  private final Counter resumed;
  private final Counter notResumed;
  private final Counter fenced;
  private final Counter logBytes;

  public MasterResume(Settings settings, MasterLogRepository logs, LogRepository instanceLogs, WorkerRegistry registry,
      WorkerGateway gateway, GroupGuard groups, Clock clock, Executor storeExecutor, MeterRegistry meters) {
    this.resumed = Counter.builder("schedulerx.server.master.changes").tag("outcome", "resumed")
        .description("Instances handed to a new master after theirs was lost").register(meters);
    this.notResumed = Counter.builder("schedulerx.server.master.changes").tag("outcome", "no_taker")
        .description("Instances handed to a new master after theirs was lost").register(meters);
    this.fenced = Counter.builder("schedulerx.server.master.log.fenced")
        .description("Log segments refused because their master had been replaced").register(meters);
    this.logBytes = Counter.builder("schedulerx.server.master.log.bytes")
        .description("Bytes of master operation logs stored").baseUnit("bytes").register(meters);
    this.settings = settings;
    this.logs = logs;
    this.instanceLogs = instanceLogs;
    this.registry = registry;
    this.gateway = gateway;
    this.groups = groups;
    this.clock = clock;
    this.storeExecutor = storeExecutor;
  }

  public Settings settings() {
    return settings;
  }

  /** Stores a segment of a master's log (on the store executor). */
  public CompletableFuture<MasterLogRepository.Appended> append(long instanceId, int epoch, long seq, byte[] segment) {
    return CompletableFuture.supplyAsync(() -> {
      MasterLogRepository.Appended appended = logs.append(instanceId, epoch, seq, segment);
      if (appended == MasterLogRepository.Appended.STORED) {
        logBytes.increment(segment.length);
      }
      if (appended == MasterLogRepository.Appended.FENCED) {
        fenced.increment();
        log.info("instance {}: log segment {} of epoch {} refused: that master was replaced or the instance ended",
            instanceId, seq, epoch);
      } else {
        logged.add(instanceId);
      }
      return appended;
    }, storeExecutor);
  }

  /** The segment a resuming master reads next (on the store executor). */
  public CompletableFuture<Optional<MasterLogRepository.Segment>> next(long instanceId, int epoch, int afterEpoch, long afterSeq) {
    return CompletableFuture.supplyAsync(() -> logs.next(instanceId, epoch, afterEpoch, afterSeq), storeExecutor);
  }

  /** Whether a report about {@code instanceId} from the worker at {@code from} (an actor address) comes from a replaced master. */
  boolean fromReplacedMaster(long instanceId, String from) {
    String master = currentMaster.get(instanceId);
    return master != null && from != null && !from.endsWith("@" + master);
  }

  /**
   * This node became the leader: the resumed instances' current masters come from the database, so that
   * reports of masters an earlier leader replaced are still ignored here.
   */
  public void leadershipGained() {
    currentMaster.clear();
    currentMaster.putAll(logs.resumedMasters());
  }

  /** Logs left by instances that ended while no node knew of their log (a change of leader); on the purge thread. */
  public void purgeEndedLogs() {
    int purged = logs.deleteOfEnded();
    if (purged > 0) {
      log.info("purged {} master log segment(s) of ended instances", purged);
    }
  }

  /** The instance ended: its log is no longer needed. Called on the store executor. */
  void ended(long instanceId) {
    currentMaster.remove(instanceId);
    if (logged.remove(instanceId)) {
      logs.delete(instanceId);
    }
  }

  /**
   * Hands a running instance whose master was lost to another worker, if it can be resumed: returns false when
   * not (resume off, not a distributed mode, no log, hand-overs used up, no other live worker), and the caller
   * fails it as before. Called on the store executor.
   *
   * @param fallback fails the instance if no worker takes it over after all
   */
  boolean tryResume(JobDefinition job, JobInstance instance, String lostMaster, String why, WorkerGateway.WorkflowPayload payload,
      Consumer<String> fallback) {
    if (!settings.enabled() || !ExecuteMode.hasTaskMaster(job.executeMode()) || !resumable(job)) {
      return false;
    }
    Optional<Integer> epoch = logs.epoch(instance.id());
    if (epoch.isEmpty() || !logs.hasLog(instance.id())) {
      return false; // its master kept no log (an official worker, or resume off on that daemon)
    }
    if (epoch.get() >= settings.maxResumes()) {
      log.warn("instance {} of job {}: master {} {}; not resumed: it had {} hand-over(s) already (schedulerx-server.resume.max-resumes)",
          instance.id(), job.name(), lostMaster, why, epoch.get());
      return false;
    }
    // Only our daemons can take an instance over, and only they get its tasks: an official SchedulerX worker
    // keeps a running instance bound to the master it first heard from (its in-flight sub-tasks run again here).
    List<WorkerInfo> candidates = DesignatedWorkers.pick(job.designation(), registry.rotation(job.groupId())).stream()
        .filter(w -> !w.workerId().equals(lostMaster) && WorkerCapabilities.masterResume(w))
        .toList();
    if (candidates.isEmpty()) {
      return false;
    }
    handOver(job, instance, candidates, 0, epoch.get(), lostMaster, why, payload, fallback);
    return true;
  }

  /** A job turns resume off with {@code "resume": false} in its xattrs. */
  private static boolean resumable(JobDefinition job) {
    if (job.xattrs() == null || job.xattrs().isBlank()) {
      return true;
    }
    try {
      return JSON.readTree(job.xattrs()).path("resume").asBoolean(true);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return true;
    }
  }

  private void handOver(JobDefinition job, JobInstance instance, List<WorkerInfo> candidates, int index, int epoch,
      String lostMaster, String why, WorkerGateway.WorkflowPayload payload, Consumer<String> fallback) {
    if (index >= candidates.size()) {
      notResumed.increment();
      fallback.accept("master " + lostMaster + " " + why + "; no worker of the group took the instance over");
      return;
    }
    WorkerInfo next = candidates.get(index);
    if (!logs.promote(instance.id(), epoch, next.workerId(), next.address().hostPort())) {
      log.info("instance {}: not handed over to {}: it ended or another node handed it over", instance.id(), next.workerId());
      return;
    }
    int newEpoch = epoch + 1;
    currentMaster.put(instance.id(), next.address().hostPort());
    List<dev.schedulerx.protocol.WorkerAddress> group = candidates.stream().map(WorkerInfo::address).toList();
    gateway.resume(next.address(), job, instance, group, groups.appGroupId(job.groupId()), payload, newEpoch, lostMaster, why)
        .whenCompleteAsync((outcome, failure) -> {
          if (failure == null && outcome.accepted()) {
            resumed.increment();
            String line = "master " + lostMaster + " " + why + "; instance resumed by " + next.workerId() + " at epoch " + newEpoch;
            log.info("instance {} of job {}: {}", instance.id(), job.name(), line);
            // In the instance's log too, where `logs <id>` and the console show it between the two masters' lines.
            instanceLogs.append(instance.id(), "server",
                List.of(new LogRepository.NewLine(clock.instant(), 0, "WARN", "master-resume", line)));
          } else {
            String refusal = failure != null ? "no answer" : outcome.message();
            log.warn("instance {} of job {}: worker {} did not take it over ({}), trying the next", instance.id(), job.name(),
                next.workerId(), refusal);
            handOver(job, instance, candidates, index + 1, newEpoch, lostMaster, why, payload, fallback);
          }
        }, storeExecutor);
  }
}
