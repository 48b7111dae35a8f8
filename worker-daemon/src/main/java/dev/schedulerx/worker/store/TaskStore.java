package dev.schedulerx.worker.store;

import com.carrotsearch.hppc.LongObjectHashMap;
import com.carrotsearch.hppc.cursors.LongObjectCursor;
import dev.schedulerx.api.TaskStatus;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The tasks of one instance on its master: per-task state in primitive arrays indexed by task id, bodies
 * of pending tasks in {@link PendingTasks} (spilling to disk), bodies of dispatched tasks kept until they
 * finish (so a dead worker's tasks can be sent elsewhere), results in a {@link ResultArena}. The first
 * final status of a task wins; later reports of the same task (a re-dispatched task that also finished on
 * its first worker) are ignored, which keeps reduce exact. Not thread-safe: owned by one actor.
 */
public final class TaskStore implements AutoCloseable {
  private static final byte NONE = 0;
  private static final byte INIT = (byte) TaskStatus.INIT.value();
  private static final byte PULLED = (byte) TaskStatus.PULLED.value();
  private static final byte SUCCESS = (byte) TaskStatus.SUCCESS.value();
  private static final byte FAILED = (byte) TaskStatus.FAILED.value();

  /** A task handed out for dispatch. */
  public record Task(long id, String name, byte[] body) {}

  /** Counters of one task name or one worker, as SchedulerX progress shows them. */
  public record Counts(String key, long total, long pulled, long success, long failed) {}

  private final PendingTasks pending;
  private final ArrayDeque<Task> requeued = new ArrayDeque<>();
  /** Bodies of dispatched, unfinished tasks by id, for re-dispatch when their worker is lost. */
  private final LongObjectHashMap<byte[]> inFlightBodies = new LongObjectHashMap<>();
  private final ResultArena results = new ResultArena();
  private final List<String> names = new ArrayList<>();
  private final Map<String, Integer> nameIds = new HashMap<>();
  private final List<String> workers = new ArrayList<>();
  private final Map<String, Integer> workerIds = new HashMap<>();
  private byte[] states = new byte[1024];
  private int[] nameOf = new int[1024];
  private int[] workerOf = new int[1024];
  private long created;
  private long success;
  private long failed;
  private long inFlight;
  private long[] nameTotals = new long[4];
  private long[] nameSuccess = new long[4];
  private long[] nameFailed = new long[4];
  private long[] workerPulled = new long[4];
  private long[] workerSuccess = new long[4];
  private long[] workerFailed = new long[4];
  private long[] workerTotal = new long[4];

  /** @param memoryBudgetBytes pending bodies beyond this go to a spill file under {@code spillDir} */
  public TaskStore(long memoryBudgetBytes, Path spillDir) {
    this.pending = new PendingTasks(memoryBudgetBytes, spillDir);
  }

  /** Creates a task with the next id (the first is 0, the root of a map). */
  public long create(String name, byte[] body) {
    long id = created++;
    int i = Math.toIntExact(id);
    ensureCapacity(i);
    int nameId = nameIds.computeIfAbsent(name, n -> {
      names.add(n);
      return names.size() - 1;
    });
    if (nameId >= nameTotals.length) {
      nameTotals = Arrays.copyOf(nameTotals, nameId * 2);
      nameSuccess = Arrays.copyOf(nameSuccess, nameId * 2);
      nameFailed = Arrays.copyOf(nameFailed, nameId * 2);
    }
    states[i] = INIT;
    nameOf[i] = nameId;
    workerOf[i] = -1;
    nameTotals[nameId]++;
    pending.add(id, body);
    return id;
  }

  /** Takes up to {@code max} waiting tasks (re-queued ones first) and records them as sent to {@code worker}. */
  public List<Task> dispatch(String worker, int max) {
    int w = workerId(worker);
    List<Task> out = new ArrayList<>(Math.min(max, 1024));
    while (out.size() < max && !requeued.isEmpty()) {
      out.add(requeued.poll());
    }
    // Tasks that finished while waiting (a kill, or a resumed master's log) are skipped: poll on past them.
    while (out.size() < max && pending.size() > 0) {
      pending.poll(max - out.size(), (id, body) -> {
        if (states[(int) id] == INIT) {
          out.add(new Task(id, names.get(nameOf[(int) id]), body));
        }
      });
    }
    for (Task t : out) {
      int i = (int) t.id();
      states[i] = PULLED;
      workerOf[i] = w;
      inFlightBodies.put(t.id(), t.body());
      workerPulled[w]++;
      workerTotal[w]++;
      inFlight++;
    }
    return out;
  }

  /**
   * Records a final status. Returns false (and changes nothing) when the task is unknown or already
   * finished: re-delivered and duplicate reports are ignored.
   */
  public boolean finish(long taskId, TaskStatus status, String result) {
    if (taskId < 0 || taskId >= created) {
      return false;
    }
    int i = (int) taskId;
    byte state = states[i];
    if (state == SUCCESS || state == FAILED || !status.isFinished()) {
      return false;
    }
    if (state == INIT) {
      // finished before it was (re)dispatched, e.g. reported by a worker declared dead too early: the task
      // counts for that worker again
      removeRequeued(taskId);
      if (workerOf[i] >= 0) {
        workerTotal[workerOf[i]]++;
      }
    } else {
      inFlight--;
      int w = workerOf[i];
      if (w >= 0) {
        workerPulled[w]--;
      }
    }
    inFlightBodies.remove(taskId);
    boolean ok = status == TaskStatus.SUCCESS;
    states[i] = ok ? SUCCESS : FAILED;
    int w = workerOf[i];
    if (ok) {
      success++;
      nameSuccess[nameOf[i]]++;
      if (w >= 0) {
        workerSuccess[w]++;
      }
    } else {
      failed++;
      nameFailed[nameOf[i]]++;
      if (w >= 0) {
        workerFailed[w]++;
      }
    }
    results.put(taskId, result);
    return true;
  }

  private void removeRequeued(long taskId) {
    requeued.removeIf(t -> t.id() == taskId);
  }

  /** Puts the unfinished tasks sent to {@code worker} back in front of the queue; returns how many. */
  public int requeue(String worker) {
    Integer w = workerIds.get(worker);
    if (w == null) {
      return 0;
    }
    int count = 0;
    for (LongObjectCursor<byte[]> e : inFlightBodies) {
      int i = (int) e.key;
      if (workerOf[i] == w && states[i] == PULLED) {
        states[i] = INIT;
        requeued.add(new Task(e.key, names.get(nameOf[i]), e.value));
        inFlight--;
        workerPulled[w]--;
        workerTotal[w]--;
        count++;
      }
    }
    return count;
  }

  /** Fails every task not finished yet (instance killed or no worker left); returns how many. */
  public int failUnfinished(String reason) {
    int count = 0;
    for (long id = 0; id < created; id++) {
      byte s = states[(int) id];
      if (s == INIT || s == PULLED) {
        finishForced(id, reason);
        count++;
      }
    }
    requeued.clear();
    return count;
  }

  private void finishForced(long id, String reason) {
    int i = (int) id;
    if (states[i] == PULLED) {
      inFlight--;
      if (workerOf[i] >= 0) {
        workerPulled[workerOf[i]]--;
      }
    }
    inFlightBodies.remove(id);
    states[i] = FAILED;
    failed++;
    nameFailed[nameOf[i]]++;
    results.put(id, reason);
  }

  public boolean isFinished(long taskId) {
    byte s = states[(int) taskId];
    return s == SUCCESS || s == FAILED;
  }

  public long total() {
    return created;
  }

  public long succeeded() {
    return success;
  }

  public long failed() {
    return failed;
  }

  /** Tasks sent to workers and not finished. */
  public long inFlight() {
    return inFlight;
  }

  /** Tasks neither sent nor finished. */
  public long waiting() {
    return created - success - failed - inFlight;
  }

  /** Every task finished. */
  public boolean isComplete() {
    return success + failed == created;
  }

  public long inFlight(String worker) {
    Integer w = workerIds.get(worker);
    return w == null ? 0 : workerPulled[w];
  }

  public boolean spilled() {
    return pending.spilled();
  }

  public TaskStatus status(long taskId) {
    return taskId < 0 || taskId >= created ? TaskStatus.UNKNOWN : TaskStatus.fromValue(states[(int) taskId] == NONE ? 0 : states[(int) taskId]);
  }

  /** The name the task was created with. */
  public String name(long taskId) {
    return names.get(nameOf[Math.toIntExact(taskId)]);
  }

  public String result(long taskId) {
    return results.get(taskId);
  }

  /** Progress per task name, in creation order. */
  public List<Counts> byName() {
    List<Counts> out = new ArrayList<>();
    for (int n = 0; n < names.size(); n++) {
      out.add(new Counts(names.get(n), nameTotals[n], 0, nameSuccess[n], nameFailed[n]));
    }
    return out;
  }

  /** Progress per worker the tasks were sent to. */
  public List<Counts> byWorker() {
    List<Counts> out = new ArrayList<>();
    for (int w = 0; w < workers.size(); w++) {
      out.add(new Counts(workers.get(w), workerTotal[w], workerPulled[w], workerSuccess[w], workerFailed[w]));
    }
    return out;
  }

  /** Finished tasks' results by task id: a read-only view over the store, not a copy. */
  public Map<Long, String> resultsView() {
    return new FinishedView<>(this::result);
  }

  /** Finished tasks' statuses by task id: a read-only view. */
  public Map<Long, TaskStatus> statusesView() {
    return new FinishedView<>(this::status);
  }

  private int workerId(String worker) {
    return workerIds.computeIfAbsent(worker, k -> {
      workers.add(k);
      int id = workers.size() - 1;
      if (id >= workerTotal.length) {
        int n = id * 2;
        workerTotal = Arrays.copyOf(workerTotal, n);
        workerPulled = Arrays.copyOf(workerPulled, n);
        workerSuccess = Arrays.copyOf(workerSuccess, n);
        workerFailed = Arrays.copyOf(workerFailed, n);
      }
      return id;
    });
  }

  private void ensureCapacity(int i) {
    if (i >= states.length) {
      int n = Math.max(states.length * 2, i + 1);
      states = Arrays.copyOf(states, n);
      nameOf = Arrays.copyOf(nameOf, n);
      workerOf = Arrays.copyOf(workerOf, n);
    }
  }

  @Override
  public void close() {
    pending.close();
  }

  /** Map view over the finished tasks; values computed on access. */
  private final class FinishedView<V> extends AbstractMap<Long, V> {
    private final java.util.function.LongFunction<V> value;

    FinishedView(java.util.function.LongFunction<V> value) {
      this.value = value;
    }

    @Override
    public int size() {
      return (int) (success + failed);
    }

    @Override
    public boolean containsKey(Object key) {
      return key instanceof Long id && id >= 0 && id < created && isFinished(id);
    }

    @Override
    public V get(Object key) {
      return containsKey(key) ? value.apply((Long) key) : null;
    }

    @Override
    public Set<Entry<Long, V>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return FinishedView.this.size();
        }

        @Override
        public Iterator<Entry<Long, V>> iterator() {
          return new Iterator<>() {
            private long next = advance(0);

            private long advance(long from) {
              long id = from;
              while (id < created && !isFinished(id)) {
                id++;
              }
              return id;
            }

            @Override
            public boolean hasNext() {
              return next < created;
            }

            @Override
            public Entry<Long, V> next() {
              if (!hasNext()) {
                throw new NoSuchElementException();
              }
              long id = next;
              next = advance(id + 1);
              return new SimpleImmutableEntry<>(id, value.apply(id));
            }
          };
        }
      };
    }
  }

}
