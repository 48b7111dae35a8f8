package dev.schedulerx.server.dispatch;

import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.JobRepository;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs waiting in their job's queue (concurrency policy queue, and back-fills) and when they may start: oldest
 * first, while the job has a free slot. Only jobs known to queue are looked at when a run ends, so the ends of all
 * other jobs cost no query.
 */
final class RunQueues {
  private static final Logger log = LoggerFactory.getLogger(RunQueues.class);

  private final JobRepository jobs;
  private final InstanceRepository instances;
  private final Executor storeExecutor;
  private final BiConsumer<JobDefinition, JobInstance> launch;
  /** One lock per job with a queue: the free-slot check and the claims of one job's queue run one at a time here. */
  private final Map<Long, Object> locks = new ConcurrentHashMap<>();
  /** Jobs seen with concurrency policy queue. */
  private final Set<Long> queueingJobs = ConcurrentHashMap.newKeySet();
  /** Jobs with back-fill runs waiting in their queue, whatever their concurrency policy. */
  private final Set<Long> backfilling = ConcurrentHashMap.newKeySet();

  /** @param launch submits a run that left its queue */
  RunQueues(JobRepository jobs, InstanceRepository instances, Executor storeExecutor, BiConsumer<JobDefinition, JobInstance> launch) {
    this.jobs = jobs;
    this.instances = instances;
    this.storeExecutor = storeExecutor;
    this.launch = launch;
  }

  /** Notes whether the job queues extra runs; true when it does (its new runs are then stored queued). */
  boolean queues(JobDefinition job) {
    if (job.queuesExtraRuns()) {
      queueingJobs.add(job.id());
      return true;
    }
    queueingJobs.remove(job.id());
    return false;
  }

  /** Back-fill runs of the job were queued: its ends look at the queue until it is empty. */
  void backfilled(JobDefinition job) {
    backfilling.add(job.id());
    startQueued(job);
  }

  /**
   * Starts the job's queued runs, oldest first, while it has free slots (max concurrency minus the runs
   * that are not finished and not queued). Every new queued run goes through here, so a new trigger never
   * overtakes an older one. Each run is claimed with a conditional update: it starts once, whoever calls.
   */
  void startQueued(JobDefinition job) {
    synchronized (locks.computeIfAbsent(job.id(), id -> new Object())) {
      int free = Math.max(1, job.maxConcurrency()) - instances.countActive(job.id());
      if (free <= 0) {
        log.debug("job {}: queue waits, no free slot (max concurrency {})", job.name(), job.maxConcurrency());
        return;
      }
      List<JobInstance> queued = instances.findQueued(job.id(), free);
      if (queued.isEmpty()) {
        backfilling.remove(job.id());
      }
      for (JobInstance next : queued) {
        if (instances.claimQueued(next.id())) {
          log.info("instance {} of job {} leaves the queue: a slot is free (max concurrency {})",
              next.id(), job.name(), job.maxConcurrency());
          launch.accept(job, next);
        }
      }
    }
  }

  /** A run of the job ended: if the job queues runs, the next may start (on the store executor). */
  void runEnded(long jobId) {
    if (queueingJobs.contains(jobId) || backfilling.contains(jobId)) {
      storeExecutor.execute(() -> {
        try {
          jobs.findById(jobId).ifPresent(this::startQueued);
        } catch (RuntimeException e) {
          log.warn("job {}: queued runs not started now, the next due-pass tries again: {}", jobId, e.toString());
        }
      });
    }
  }

  /**
   * Starts queued runs of every job that has some and a free slot: after a restart or a change of leader,
   * and as a safety net for ends this node did not see. Runs on the caller's thread (the due-pass).
   */
  void resumeAll() {
    for (long jobId : instances.jobsWithQueuedRuns()) {
      jobs.findById(jobId).ifPresent(job -> {
        queues(job);
        startQueued(job);
      });
    }
  }
}
