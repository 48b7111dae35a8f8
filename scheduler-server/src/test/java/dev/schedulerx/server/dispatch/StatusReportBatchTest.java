package dev.schedulerx.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.server.registry.WorkerRegistry;
import dev.schedulerx.server.store.InstanceRepository;
import dev.schedulerx.server.store.InstanceState;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.JobRepository;
import dev.schedulerx.server.store.ServerDatabase;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Status reports that reach the server together are stored together (a task and a transaction per store lane), and each
 * still counts on its own: every run ends once with its reported result, a redelivered report changes nothing, and a
 * report whose store fails costs only its own acknowledgement, never the others'.
 */
class StatusReportBatchTest {
  private static final int SUCCESS = InstanceState.SUCCESS.value();
  private static final int FAILED = InstanceState.FAILED.value();

  private final MutableClock clock = MutableClock.at("2026-03-01T00:00:00Z");
  /** The store executor, run by hand: reports queue until the test lets the store work. */
  private final Deque<Runnable> storeTasks = new ArrayDeque<>();
  private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
  /** Instance ids whose end the database refuses to store. */
  private final AtomicLong poisoned = new AtomicLong(-1);
  private final Map<Long, AtomicInteger> endsTold = new ConcurrentHashMap<>();
  private ServerDatabase database;
  private InstanceRepository instances;
  private InstanceLifecycle lifecycle;
  private JobDefinition job;

  @BeforeEach
  void start() {
    String url = "jdbc:h2:mem:report-batch-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    database = ServerDatabase.open(url, "sa", "", 4);
    JobRepository jobs = new JobRepository(database.dataSource());
    instances = new InstanceRepository(poisoning(database.dataSource()));
    WorkerRegistry registry = new WorkerRegistry(clock, Duration.ofDays(1));
    InstanceEvents events = new InstanceEvents() {
      @Override
      public void finished(long jobId, InstanceState state) {}

      @Override
      public void runEnded(long instanceId, long jobId, InstanceState state) {
        endsTold.computeIfAbsent(instanceId, id -> new AtomicInteger()).incrementAndGet();
      }
    };
    InstanceEnds ends = new InstanceEnds(jobs, instances, registry, null, clock, storeTasks::add, timers, events);
    lifecycle = new InstanceLifecycle(jobs, instances, registry, null, null, clock, storeTasks::add, timers, ends, events);
    job = jobs.upsert(TestJob.api("reported").definition());
  }

  @AfterEach
  void stop() throws Exception {
    timers.shutdownNow();
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP ALL OBJECTS");
    } finally {
      database.close();
    }
  }

  private List<JobInstance> runs(int n) {
    List<JobInstance> runs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      runs.add(instances.createApiRun(job.id(), job.groupId(), job.name(), "", clock.instant()));
    }
    return runs;
  }

  private CompletableFuture<Void> report(JobInstance run, int status, String result) {
    return lifecycle.onStatusReport(new StatusReport(job.id(), run.id(), status, result, null, "worker-1"));
  }

  /** Lets the store work until nothing is queued; answers how many store tasks ran. */
  private int runStore() {
    int ran = 0;
    while (!storeTasks.isEmpty()) {
      storeTasks.poll().run();
      ran++;
    }
    return ran;
  }

  @Test
  void reportsThatArriveTogetherAreStoredByAFewTasksAndEachRunEndsOnceWithItsResult() {
    List<JobInstance> runs = runs(40);
    Map<Long, CompletableFuture<Void>> acks = new HashMap<>();
    for (JobInstance run : runs) {
      acks.put(run.id(), report(run, run.id() % 2 == 0 ? SUCCESS : FAILED, "result of " + run.id()));
    }
    // Redelivered reports (their acks were lost) ride along and change nothing.
    for (JobInstance run : runs.subList(0, 5)) {
      report(run, SUCCESS, "again");
    }

    // One per store lane at most, each storing its instances' reports in one transaction.
    assertThat(runStore()).as("store tasks for 45 reports").isLessThanOrEqualTo(InstanceLifecycle.STORE_LANES);

    assertThat(acks.values()).allSatisfy(ack -> assertThat(ack).isCompleted().isNotCompletedExceptionally());
    for (JobInstance run : runs) {
      JobInstance stored = instances.findById(run.id()).orElseThrow();
      assertThat(stored.state()).isEqualTo(run.id() % 2 == 0 ? InstanceState.SUCCESS : InstanceState.FAILED);
      assertThat(stored.result()).isEqualTo("result of " + run.id());
      assertThat(endsTold.get(run.id())).as("ends told of instance %d", run.id()).hasValue(1);
    }
  }

  @Test
  void aReportThatCannotBeStoredIsNotAcknowledgedAndTheOthersAre() {
    List<JobInstance> runs = runs(10);
    JobInstance bad = runs.get(4);
    poisoned.set(bad.id());
    Map<Long, CompletableFuture<Void>> acks = new HashMap<>();
    for (JobInstance run : runs) {
      acks.put(run.id(), report(run, SUCCESS, "done " + run.id()));
    }

    runStore();

    assertThat(acks.get(bad.id())).isCompletedExceptionally();
    assertThat(instances.findById(bad.id()).orElseThrow().state().isFinished()).isFalse();
    for (JobInstance run : runs) {
      if (run.id() != bad.id()) {
        assertThat(acks.get(run.id())).isCompleted().isNotCompletedExceptionally();
        assertThat(instances.findById(run.id()).orElseThrow().state()).isEqualTo(InstanceState.SUCCESS);
        assertThat(endsTold.get(run.id())).hasValue(1);
      }
    }

    // The worker re-sends the one not acknowledged; now the database takes it.
    poisoned.set(-1);
    CompletableFuture<Void> again = report(bad, SUCCESS, "done " + bad.id());
    runStore();
    assertThat(again).isCompleted().isNotCompletedExceptionally();
    assertThat(instances.findById(bad.id()).orElseThrow().result()).isEqualTo("done " + bad.id());
    assertThat(endsTold.get(bad.id())).hasValue(1);
  }

  /** A data source whose statements fail when they end the poisoned instance. */
  private DataSource poisoning(DataSource real) {
    return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
        passOn(real, (method, args, result) -> method.getName().equals("getConnection")
            ? Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                passOn(result, (m, a, statement) -> m.getName().equals("prepareStatement") && ((String) a[0]).contains("finished_at")
                    ? poisoningStatement((PreparedStatement) statement) : statement))
            : result));
  }

  private Object poisoningStatement(PreparedStatement real) {
    List<Object> parameters = new ArrayList<>();
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getName().equals("setLong")) {
        parameters.add(args[1]);
      }
      if (method.getName().equals("executeUpdate") && parameters.contains(poisoned.get())) {
        parameters.clear();
        throw new SQLException("refused by the test");
      }
      if (method.getName().equals("executeUpdate")) {
        parameters.clear();
      }
      return invoke(real, method, args);
    };
    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class}, handler);
  }

  private interface Wrap {
    Object wrap(java.lang.reflect.Method method, Object[] args, Object result);
  }

  private static InvocationHandler passOn(Object real, Wrap wrap) {
    return (proxy, method, args) -> wrap.wrap(method, args, invoke(real, method, args));
  }

  private static Object invoke(Object real, java.lang.reflect.Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
