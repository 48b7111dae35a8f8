package dev.schedulerx.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schedulerx.protocol.WorkerAddress;
import dev.schedulerx.server.registry.WorkerInfo;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.TriggerType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Instance-level retries (job maxAttempt / attemptInterval) and what happens to runs of a worker that stops
 * heartbeating. Retries are scheduled on a real timer, so the tests wait for them with a deadline.
 */
class InstanceLifecycleRetryTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private SchedulingFixture server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private SchedulingFixture serverAt(String isoInstant, Duration workerTimeout) {
    server = new SchedulingFixture(MutableClock.at(isoInstant), workerTimeout);
    return server;
  }

  @Test
  void aFailedRunIsRetriedUpToMaxAttemptForTheSameSlotThenNoMore() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:00Z", Duration.ofDays(1));
    JobDefinition job = s.save(TestJob.api("flaky").retries(2, 0));

    JobInstance first = s.lifecycle.triggerNow(job, "p=1").join();

    await().atMost(DEADLINE).until(() -> s.runs(job).size() == 3 && s.runs(job).stream().allMatch(JobInstance::isFinished));
    // Both retries ran on the timer; nothing else is pending there.
    await().atMost(DEADLINE).until(() -> s.timers.getCompletedTaskCount() == 2);
    assertThat(s.timers.getQueue()).as("no third retry scheduled").isEmpty();
    List<JobInstance> runs = s.runs(job);
    assertThat(runs).hasSize(3);
    assertThat(runs).extracting(JobInstance::attempt).containsExactly(0, 1, 2);
    assertThat(runs).extracting(JobInstance::triggerType)
        .containsExactly(TriggerType.API, TriggerType.RETRY, TriggerType.RETRY);
    assertThat(runs).extracting(JobInstance::scheduleTime).containsOnly(first.scheduleTime());
    assertThat(runs).extracting(JobInstance::instanceParameters).containsOnly("p=1");
    assertThat(runs).allSatisfy(run -> {
      assertThat(run.state()).isEqualTo(InstanceState.FAILED);
      assertThat(run.result()).isEqualTo("no live worker in group g");
    });
  }

  @Test
  void aRetryWaitsTheAttemptInterval() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:00Z", Duration.ofDays(1));
    JobDefinition job = s.save(TestJob.api("patient").retries(1, 30));

    s.lifecycle.triggerNow(job, "").join();

    assertThat(s.runs(job)).as("no retry yet").hasSize(1);
    assertThat(s.timers.getQueue()).hasSize(1);
    long delay = ((ScheduledFuture<?>) s.timers.getQueue().peek()).getDelay(TimeUnit.SECONDS);
    assertThat(delay).as("seconds until the retry").isBetween(20L, 30L);
  }

  @Test
  void aRetryOfAScheduledRunKeepsItsSlotAndDoesNotMoveTheSchedule() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:05Z", Duration.ofDays(1));
    JobDefinition job = s.save(TestJob.cron("every-10s", "*/10 * * * * ?").retries(1, 0));
    s.pass();
    s.advanceAndPass(Duration.ofSeconds(5)); // 00:00:10 fails, then is retried

    await().atMost(DEADLINE).until(() -> s.runs(job).size() == 2 && s.runs(job).get(1).isFinished());
    s.advanceAndPass(Duration.ofSeconds(5)); // 00:00:15
    s.advanceAndPass(Duration.ofSeconds(5)); // 00:00:20

    await().atMost(DEADLINE).until(() -> s.runs(job).size() == 4);
    assertThat(s.runs(job))
        .extracting(JobInstance::scheduleTime, JobInstance::attempt, JobInstance::triggerType)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-03-01T00:00:10Z"), 0, TriggerType.SCHEDULE),
            org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-03-01T00:00:10Z"), 1, TriggerType.RETRY),
            org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-03-01T00:00:20Z"), 0, TriggerType.SCHEDULE),
            org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-03-01T00:00:20Z"), 1, TriggerType.RETRY));
  }

  @Test
  void aFailedReportIsRetriedOnceEvenWhenTheWorkerRedeliversIt() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:00Z", Duration.ofDays(1));
    s.registerAnsweringWorker();
    JobDefinition job = s.save(TestJob.api("reported").retries(3, 0));
    JobInstance run = s.lifecycle.triggerNow(job, "").join();
    s.accept(run);

    StatusReport failed = new StatusReport(job.id(), run.id(), InstanceState.FAILED.value(), "boom", null, "test");
    s.lifecycle.onStatusReport(failed).join();
    s.lifecycle.onStatusReport(failed).join(); // at-least-once delivery: the same report again

    await().atMost(DEADLINE).until(() -> s.runs(job).size() == 2);
    // The accepted run's delayed start store (InstanceLifecycle.START_STORE_DELAY) and one retry.
    await().atMost(DEADLINE).until(() -> s.timers.getCompletedTaskCount() == 2);
    assertThat(s.timers.getQueue()).isEmpty();
    List<JobInstance> runs = s.runs(job);
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).state()).isEqualTo(InstanceState.FAILED);
    assertThat(runs.get(0).result()).isEqualTo("boom");
    assertThat(runs.get(1).attempt()).isEqualTo(1);
    assertThat(runs.get(1).state()).as("sent to the worker again").isEqualTo(InstanceState.WAITING);

    s.accept(runs.get(1));
    s.lifecycle.onStatusReport(new StatusReport(job.id(), runs.get(1).id(), InstanceState.SUCCESS.value(), "ok", null, "test")).join();
    assertThat(s.instances.findById(runs.get(1).id()).orElseThrow().state()).isEqualTo(InstanceState.SUCCESS);
    await().atMost(DEADLINE).until(() -> s.timers.getCompletedTaskCount() == 3); // the second run's start store
    assertThat(s.timers.getQueue()).as("a success is not retried").isEmpty();
    assertThat(s.runs(job)).hasSize(2);
  }

  @Test
  void aWorkerThatStopsHeartbeatingFailsItsRunningInstancesAndOnlyThose() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:00Z", Duration.ofSeconds(9));
    WorkerInfo quiet = s.registerSilentWorker("w1");
    WorkerInfo alive = s.registerSilentWorker("w2");
    JobDefinition job = s.save(TestJob.api("long").maxConcurrency(5));
    JobInstance onQuiet = runningOn(s, job, quiet);
    JobInstance onAlive = runningOn(s, job, alive);

    s.clock.advance(Duration.ofSeconds(9));
    s.registry.heartbeat(alive);
    assertThat(s.registry.expire(w -> s.ends.onWorkerDropped(w, "stopped heartbeating"))).as("exactly at the timeout").isEmpty();

    s.clock.advance(Duration.ofSeconds(1));
    assertThat(s.registry.expire(w -> s.ends.onWorkerDropped(w, "stopped heartbeating"))).extracting(WorkerInfo::workerId).containsExactly("w1");

    JobInstance failed = s.instances.findById(onQuiet.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(InstanceState.FAILED);
    assertThat(failed.result()).isEqualTo("worker w1 stopped heartbeating");
    assertThat(failed.finishedAt()).isEqualTo(Instant.parse("2026-03-01T00:00:10Z"));
    assertThat(s.instances.findById(onAlive.id()).orElseThrow().state()).isEqualTo(InstanceState.RUNNING);
    assertThat(s.registry.isAlive(quiet.address())).isFalse();
    assertThat(s.registry.isAlive(alive.address())).isTrue();
  }

  @Test
  void aWorkerThatGoesOfflineFailsItsRunningInstancesAtOnce() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:00Z", Duration.ofSeconds(9));
    WorkerInfo leaving = s.registerSilentWorker("w1");
    JobDefinition job = s.save(TestJob.api("long"));
    JobInstance run = runningOn(s, job, leaving);

    s.registry.remove(leaving.address(), "it went offline", w -> s.ends.onWorkerDropped(w, "went offline"));

    JobInstance failed = s.instances.findById(run.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(InstanceState.FAILED);
    assertThat(failed.result()).isEqualTo("worker w1 went offline");
    assertThat(s.registry.isAlive(leaving.address())).isFalse();
  }

  @Test
  void aWorkerThatGoesOfflineFailsTheRunsItAcceptedWhoseStartIsNotStoredYet() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:00Z", Duration.ofSeconds(9));
    WorkerInfo leaving = s.registerSilentWorker("w1");
    WorkerInfo staying = s.registerSilentWorker("w2", 2);
    JobDefinition job = s.save(TestJob.api("long").maxConcurrency(5));
    JobInstance onLeaving = s.instances.createApiRun(job.id(), job.groupId(), job.name(), "", s.clock.instant());
    JobInstance onStaying = s.instances.createApiRun(job.id(), job.groupId(), job.name(), "", s.clock.instant());
    // Both accepted by their masters, neither start stored yet (InstanceLifecycle.START_STORE_DELAY).
    Map<Long, WorkerAddress> accepted = Map.of(onLeaving.id(), leaving.address(), onStaying.id(), staying.address());
    s.ends.connect(jobId -> {}, (j, failed) -> {}, (j, run) -> {}, id -> Optional.ofNullable(accepted.get(id)),
        id -> Optional.empty());

    s.registry.remove(leaving.address(), "it went offline", w -> s.ends.onWorkerDropped(w, "went offline"));

    JobInstance failed = s.instances.findById(onLeaving.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(InstanceState.FAILED);
    assertThat(failed.result()).isEqualTo("worker w1 went offline");
    assertThat(s.instances.findById(onStaying.id()).orElseThrow().state()).isEqualTo(InstanceState.WAITING);
  }

  @Test
  void twoWorkersSharingAnIdAreTwoWorkersAndOneLeavingFailsOnlyItsOwnInstances() {
    // Official Java workers started in the same millisecond on one host get the same id.
    SchedulingFixture s = serverAt("2026-03-01T00:00:00Z", Duration.ofSeconds(9));
    WorkerInfo first = s.registerSilentWorker("10000_1_54044", 40001);
    WorkerInfo second = s.registerSilentWorker("10000_1_54044", 40002);
    JobDefinition job = s.save(TestJob.api("long").maxConcurrency(5));
    JobInstance onFirst = runningOn(s, job, first);
    JobInstance onSecond = runningOn(s, job, second);
    assertThat(s.registry.workers(job.groupId())).extracting(WorkerInfo::address)
        .containsExactly(first.address(), second.address());

    s.registry.remove(first.address(), "it went offline", w -> s.ends.onWorkerDropped(w, "went offline"));

    assertThat(s.instances.findById(onFirst.id()).orElseThrow().state()).isEqualTo(InstanceState.FAILED);
    assertThat(s.instances.findById(onSecond.id()).orElseThrow().state()).isEqualTo(InstanceState.RUNNING);
    assertThat(s.registry.workers(job.groupId())).extracting(WorkerInfo::address).containsExactly(second.address());
  }

  @Test
  void anInstanceRunningLongerThanItsTimeoutFailsWithTimeoutAndIsRetried() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:00Z", Duration.ofMinutes(10));
    WorkerInfo worker = s.registerSilentWorker("w1");
    JobDefinition job = s.save(TestJob.api("slow").timeout(30).retries(1, 0));
    JobInstance run = runningOn(s, job, worker);

    s.advanceAndPass(Duration.ofSeconds(29));
    assertThat(s.instances.findById(run.id()).orElseThrow().state()).as("within its timeout").isEqualTo(InstanceState.RUNNING);

    s.advanceAndPass(Duration.ofSeconds(1));
    JobInstance timedOut = s.instances.findById(run.id()).orElseThrow();
    assertThat(timedOut.state()).isEqualTo(InstanceState.FAILED);
    assertThat(timedOut.result()).isEqualTo("timeout: still running after 30 s");
    await().atMost(DEADLINE).until(() -> s.runs(job).size() == 2);
    assertThat(s.runs(job).get(1).attempt()).isEqualTo(1);
  }

  @Test
  void aRunLostWithItsWorkerIsRetriedOnAnotherOne() {
    SchedulingFixture s = serverAt("2026-03-01T00:00:00Z", Duration.ofSeconds(9));
    WorkerInfo quiet = s.registerSilentWorker("w1");
    WorkerInfo alive = s.registerSilentWorker("w2");
    JobDefinition job = s.save(TestJob.api("long").retries(1, 0));
    JobInstance lost = runningOn(s, job, quiet);

    s.clock.advance(Duration.ofSeconds(10));
    s.registry.heartbeat(alive);
    s.pass(); // the due-pass expires workers first

    await().atMost(DEADLINE).until(() -> s.runs(job).size() == 2);
    JobInstance retry = s.runs(job).get(1);
    assertThat(s.instances.findById(lost.id()).orElseThrow().result()).isEqualTo("worker w1 stopped heartbeating");
    assertThat(retry.attempt()).isEqualTo(1);
    assertThat(retry.scheduleTime()).isEqualTo(lost.scheduleTime());
    assertThat(retry.state()).as("submitted to w2, which has not answered yet").isEqualTo(InstanceState.WAITING);
  }

  /** An instance the worker accepted and runs (as markRunning records it after a submit). */
  private static JobInstance runningOn(SchedulingFixture s, JobDefinition job, WorkerInfo worker) {
    JobInstance run = s.instances.createApiRun(job.id(), job.groupId(), job.name(), "", s.clock.instant());
    assertThat(s.instances.markRunning(run.id(), worker.workerId(), worker.address().hostPort(), s.clock.instant())).isTrue();
    return s.instances.findById(run.id()).orElseThrow();
  }
}
