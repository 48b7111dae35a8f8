package dev.schedulerx.worker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.schedulerx.api.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master's table of one instance's tasks: ids, dispatch, first-wins finish, requeue, counters, views. */
class TaskStoreTest {
  private static final String ROOT = "MAP_TASK_ROOT";

  @TempDir Path dir;
  private TaskStore store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private TaskStore store() {
    store = new TaskStore(16L << 20, dir.resolve("spill"));
    return store;
  }

  @Test
  void dispatchPassesOverWaitingTasksThatFinishedBeforeTheirTurn() {
    TaskStore s = store();
    for (int i = 0; i < 3000; i++) {
      s.create("Value", new byte[] {(byte) i});
    }
    for (long id = 0; id < 2500; id++) { // as a resumed master's log says: finished before any dispatch
      s.finish(id, TaskStatus.SUCCESS, "ok");
    }

    List<TaskStore.Task> sent = s.dispatch("w1", 1000);

    assertThat(sent).extracting(TaskStore.Task::id).containsExactlyElementsOf(LongStream.range(2500, 3000).boxed().toList());
    assertThat(s.waiting()).isZero();
  }

  @Test
  void idsStartAtZeroInCreationOrder() {
    TaskStore s = store();

    assertThat(s.create(ROOT, body("root"))).isZero();
    assertThat(s.create("Value", body("1"))).isEqualTo(1);
    assertThat(s.create("Value", body("2"))).isEqualTo(2);

    assertThat(s.total()).isEqualTo(3);
    assertThat(s.status(0)).isEqualTo(TaskStatus.INIT);
    assertThat(s.status(2)).isEqualTo(TaskStatus.INIT);
    assertThat(s.status(3)).isEqualTo(TaskStatus.UNKNOWN);
    assertThat(s.status(-1)).isEqualTo(TaskStatus.UNKNOWN);
    assertThat(s.waiting()).isEqualTo(3);
    assertThat(s.inFlight()).isZero();
    assertThat(s.isComplete()).isFalse();
    assertThat(s.result(0)).isNull();
  }

  @Test
  void anEmptyStoreIsComplete() {
    TaskStore s = store();

    assertThat(s.isComplete()).isTrue();
    assertThat(s.dispatch("w1", 10)).isEmpty();
    assertThat(s.resultsView()).isEmpty();
  }

  @Test
  void dispatchHandsOutAtMostMaxTasksInCreationOrderWithNameAndBody() {
    TaskStore s = store();
    for (int i = 0; i < 10; i++) {
      s.create(i < 5 ? "A" : "B", body("t" + i));
    }

    List<TaskStore.Task> first = s.dispatch("w1", 4);
    List<TaskStore.Task> second = s.dispatch("w2", 4);
    List<TaskStore.Task> third = s.dispatch("w1", 10);

    assertThat(ids(first)).containsExactly(0L, 1L, 2L, 3L);
    assertThat(ids(second)).containsExactly(4L, 5L, 6L, 7L);
    assertThat(ids(third)).containsExactly(8L, 9L);
    assertThat(s.dispatch("w3", 10)).isEmpty();
    assertThat(second.get(1).name()).isEqualTo("B");
    assertThat(second.get(0).name()).isEqualTo("A");
    assertThat(new String(third.get(1).body(), StandardCharsets.UTF_8)).isEqualTo("t9");
    assertThat(s.status(5)).isEqualTo(TaskStatus.PULLED);
    assertThat(s.inFlight("w1")).isEqualTo(6);
    assertThat(s.inFlight("w2")).isEqualTo(4);
    assertThat(s.inFlight("nobody")).isZero();
    assertThat(s.inFlight()).isEqualTo(10);
    assertThat(s.waiting()).isZero();
  }

  @Test
  void dispatchOfZeroTakesNothing() {
    TaskStore s = store();
    s.create("A", body("a"));

    assertThat(s.dispatch("w1", 0)).isEmpty();
    assertThat(s.waiting()).isEqualTo(1);
  }

  @Test
  void theFirstFinalStatusWinsAndLaterReportsAreIgnored() {
    TaskStore s = store();
    s.create(ROOT, body("root"));
    s.create("A", body("a"));
    s.dispatch("w1", 2);

    assertThat(s.finish(1, TaskStatus.SUCCESS, "first")).isTrue();
    assertThat(s.finish(1, TaskStatus.FAILED, "second")).isFalse();
    assertThat(s.finish(1, TaskStatus.SUCCESS, "third")).isFalse();

    assertThat(s.status(1)).isEqualTo(TaskStatus.SUCCESS);
    assertThat(s.result(1)).isEqualTo("first");
    assertThat(s.succeeded()).isEqualTo(1);
    assertThat(s.failed()).isZero();
    assertThat(s.inFlight()).isEqualTo(1);
    assertThat(s.inFlight("w1")).isEqualTo(1);
  }

  @Test
  void unknownIdsAndNonFinalStatusesAreNotRecorded() {
    TaskStore s = store();
    s.create("A", body("a"));
    s.dispatch("w1", 1);

    assertThat(s.finish(-1, TaskStatus.SUCCESS, "x")).isFalse();
    assertThat(s.finish(1, TaskStatus.SUCCESS, "x")).isFalse();
    assertThat(s.finish(0, TaskStatus.RUNNING, "x")).isFalse();
    assertThat(s.finish(0, TaskStatus.PULLED, "x")).isFalse();

    assertThat(s.status(0)).isEqualTo(TaskStatus.PULLED);
    assertThat(s.inFlight()).isEqualTo(1);
    assertThat(s.result(0)).isNull();
  }

  @Test
  void countersFollowATaskThroughItsLife() {
    TaskStore s = store();
    for (int i = 0; i < 5; i++) {
      s.create("A", body("a" + i));
    }
    assertCounts(s, 5, 0, 0, 0);

    s.dispatch("w1", 3);
    assertCounts(s, 2, 3, 0, 0);

    s.finish(0, TaskStatus.SUCCESS, "ok");
    s.finish(1, TaskStatus.FAILED, "boom");
    assertCounts(s, 2, 1, 1, 1);
    assertThat(s.isComplete()).isFalse();

    s.dispatch("w2", 5);
    s.finish(2, TaskStatus.SUCCESS, "ok");
    s.finish(3, TaskStatus.SUCCESS, "ok");
    s.finish(4, TaskStatus.SUCCESS, "ok");
    assertCounts(s, 0, 0, 4, 1);
    assertThat(s.isComplete()).isTrue();
    assertThat(s.isFinished(1)).isTrue();
  }

  @Test
  void requeuePutsAWorkersUnfinishedTasksBeforeEveryWaitingTask() {
    TaskStore s = store();
    for (int i = 0; i < 8; i++) {
      s.create("A", body("t" + i));
    }
    s.dispatch("w1", 3); // 0, 1, 2
    s.dispatch("w2", 2); // 3, 4
    s.finish(1, TaskStatus.SUCCESS, "done before w1 was lost");

    assertThat(s.requeue("w1")).isEqualTo(2);

    assertThat(s.status(0)).isEqualTo(TaskStatus.INIT);
    assertThat(s.status(2)).isEqualTo(TaskStatus.INIT);
    assertThat(s.status(1)).isEqualTo(TaskStatus.SUCCESS);
    assertThat(s.inFlight("w1")).isZero();
    assertThat(s.inFlight()).isEqualTo(2);
    assertThat(s.waiting()).isEqualTo(5);

    List<TaskStore.Task> next = s.dispatch("w3", 3);
    assertThat(ids(next).subList(0, 2)).containsExactlyInAnyOrder(0L, 2L);
    assertThat(ids(next).get(2)).isEqualTo(5L);
    assertThat(new String(next.get(0).body(), StandardCharsets.UTF_8)).startsWith("t");
    assertThat(bodies(next)).contains("t0", "t2", "t5");
    assertThat(ids(s.dispatch("w3", 10))).containsExactly(6L, 7L);
    assertThat(s.inFlight("w3")).isEqualTo(5);
  }

  @Test
  void requeueOfAWorkerWithoutTasksChangesNothing() {
    TaskStore s = store();
    s.create("A", body("a"));
    s.dispatch("w1", 1);

    assertThat(s.requeue("never-used")).isZero();
    assertThat(s.requeue("w1")).isEqualTo(1);
    assertThat(s.requeue("w1")).isZero();
    assertThat(s.waiting()).isEqualTo(1);
  }

  @Test
  void aRequeuedTaskReportedLateByItsFirstWorkerIsFinishedAndNotSentAgain() {
    TaskStore s = store();
    s.create("A", body("a"));
    s.create("A", body("b"));
    s.dispatch("w1", 2);
    s.requeue("w1");

    assertThat(s.finish(0, TaskStatus.SUCCESS, "late")).isTrue();

    assertThat(ids(s.dispatch("w2", 10))).containsExactly(1L);
    assertThat(s.result(0)).isEqualTo("late");
    assertThat(s.waiting()).isZero();
    assertThat(s.inFlight()).isEqualTo(1);
  }

  @Test
  void aReDispatchedTaskReportedByBothWorkersCountsOnce() {
    TaskStore s = store();
    s.create("A", body("a"));
    s.dispatch("w1", 1);
    s.requeue("w1");
    s.dispatch("w2", 1);

    assertThat(s.finish(0, TaskStatus.SUCCESS, "from w1")).isTrue();
    assertThat(s.finish(0, TaskStatus.SUCCESS, "from w2")).isFalse();

    assertThat(s.succeeded()).isEqualTo(1);
    assertThat(s.inFlight()).isZero();
    assertThat(s.inFlight("w2")).isZero();
    assertThat(s.isComplete()).isTrue();
    assertThat(s.result(0)).isEqualTo("from w1");
  }

  @Test
  void aTaskFinishedWhileWaitingIsNeverDispatched() {
    TaskStore s = store();
    s.create("A", body("a"));
    s.create("A", body("b"));

    assertThat(s.finish(0, TaskStatus.FAILED, "cancelled")).isTrue();

    assertThat(ids(s.dispatch("w1", 10))).containsExactly(1L);
    assertThat(s.waiting()).isZero();
  }

  @Test
  void failUnfinishedFailsWaitingAndInFlightTasksButKeepsFinishedOnes() {
    TaskStore s = store();
    for (int i = 0; i < 6; i++) {
      s.create("A", body("t" + i));
    }
    s.dispatch("w1", 3);
    s.finish(0, TaskStatus.SUCCESS, "ok");
    s.requeue("w1"); // 1 and 2 wait again, in front

    assertThat(s.failUnfinished("killed")).isEqualTo(5);

    assertThat(s.isComplete()).isTrue();
    assertThat(s.failed()).isEqualTo(5);
    assertThat(s.succeeded()).isEqualTo(1);
    assertThat(s.waiting()).isZero();
    assertThat(s.inFlight()).isZero();
    assertThat(s.result(0)).isEqualTo("ok");
    assertThat(s.result(1)).isEqualTo("killed");
    assertThat(s.result(5)).isEqualTo("killed");
    assertThat(s.status(5)).isEqualTo(TaskStatus.FAILED);
    assertThat(s.dispatch("w2", 10)).as("killed tasks are not sent").isEmpty();
    assertThat(s.finish(3, TaskStatus.SUCCESS, "too late")).isFalse();
    assertThat(s.failUnfinished("again")).isZero();
  }

  @Test
  void viewsShowFinishedTasksOnlyAndFollowTheStore() {
    TaskStore s = store();
    for (int i = 0; i < 5; i++) {
      s.create("A", body("t" + i));
    }
    s.dispatch("w1", 5);
    s.finish(3, TaskStatus.FAILED, "three failed");
    s.finish(1, TaskStatus.SUCCESS, "one");
    Map<Long, String> results = s.resultsView();
    Map<Long, TaskStatus> statuses = s.statusesView();

    assertThat(results).hasSize(2).containsExactly(entry(1L, "one"), entry(3L, "three failed"));
    assertThat(new ArrayList<>(results.keySet())).containsExactly(1L, 3L);
    assertThat(statuses).containsExactly(entry(1L, TaskStatus.SUCCESS), entry(3L, TaskStatus.FAILED));
    assertThat(results.get(0L)).isNull();
    assertThat(results.get(2L)).isNull();
    assertThat(results.get(99L)).isNull();
    assertThat(results.get("1")).isNull();
    assertThat(results.containsKey(1L)).isTrue();
    assertThat(results.containsKey(0L)).isFalse();
    assertThat(statuses.get(0L)).as("in flight").isNull();

    s.finish(0, TaskStatus.SUCCESS, "");
    s.finish(4, TaskStatus.SUCCESS, "four");

    assertThat(results).hasSize(4).containsKeys(0L, 1L, 3L, 4L).containsEntry(0L, "");
    assertThat(new ArrayList<>(statuses.keySet())).containsExactly(0L, 1L, 3L, 4L);
    assertThat(statuses.values()).containsExactly(
        TaskStatus.SUCCESS, TaskStatus.SUCCESS, TaskStatus.FAILED, TaskStatus.SUCCESS);
  }

  @Test
  void progressCountsPerNameInCreationOrder() {
    TaskStore s = store();
    s.create(ROOT, body("root"));
    s.create("Group", body("g0"));
    s.create("Group", body("g1"));
    s.create("Leaf", body("l0"));
    s.dispatch("w1", 4);
    s.finish(0, TaskStatus.SUCCESS, "");
    s.finish(1, TaskStatus.SUCCESS, "");
    s.finish(2, TaskStatus.FAILED, "no");

    assertThat(s.byName()).containsExactly(
        new TaskStore.Counts(ROOT, 1, 0, 1, 0),
        new TaskStore.Counts("Group", 2, 0, 1, 1),
        new TaskStore.Counts("Leaf", 1, 0, 0, 0));
  }

  @Test
  void manyNamesAndWorkersAreCounted() {
    TaskStore s = store();
    for (int i = 0; i < 40; i++) {
      s.create("name-" + (i % 20), body("t" + i));
    }
    for (int w = 0; w < 10; w++) {
      s.dispatch("w" + w, 4);
    }

    assertThat(s.byName()).hasSize(20).allSatisfy(c -> assertThat(c.total()).isEqualTo(2));
    assertThat(s.byWorker()).hasSize(10).allSatisfy(c -> assertThat(c.pulled()).isEqualTo(4));
  }

  @Test
  void progressCountsPerWorker() {
    TaskStore s = store();
    for (int i = 0; i < 7; i++) {
      s.create("A", body("t" + i));
    }
    s.dispatch("w1", 3); // 0, 1, 2
    s.dispatch("w2", 3); // 3, 4, 5
    s.finish(0, TaskStatus.SUCCESS, "");
    s.finish(1, TaskStatus.FAILED, "no");
    s.finish(3, TaskStatus.SUCCESS, "");

    assertThat(s.byWorker()).containsExactly(
        new TaskStore.Counts("w1", 3, 1, 1, 1),
        new TaskStore.Counts("w2", 3, 2, 1, 0));

    s.requeue("w2"); // 4 and 5 leave w2
    s.dispatch("w3", 10); // 4, 5, 6

    assertThat(s.byWorker()).containsExactly(
        new TaskStore.Counts("w1", 3, 1, 1, 1),
        new TaskStore.Counts("w2", 1, 0, 1, 0),
        new TaskStore.Counts("w3", 3, 3, 0, 0));
  }

  @Test
  void aLateReportOfARequeuedTaskKeepsTheWorkersProgressConsistent() {
    TaskStore s = store();
    s.create("A", body("a"));
    s.create("A", body("b"));
    s.dispatch("w1", 2);
    s.requeue("w1");

    s.finish(0, TaskStatus.SUCCESS, "late");
    s.finish(1, TaskStatus.SUCCESS, "late");

    assertThat(s.byWorker()).allSatisfy(c ->
        assertThat(c.success() + c.failed() + c.pulled()).as("finished and pulled of %s", c.key()).isLessThanOrEqualTo(c.total()));
  }

  @Test
  void bodiesSurviveSpillingBeyondTheMemoryBudget() throws Exception {
    store = new TaskStore(1024, dir.resolve("spill"));
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      store.create("A", body("body-" + i));
    }
    assertThat(store.spilled()).isTrue();

    int seen = 0;
    List<TaskStore.Task> batch;
    while (!(batch = store.dispatch("w1", 999)).isEmpty()) {
      for (TaskStore.Task t : batch) {
        assertThat(t.id()).isEqualTo(seen);
        assertThat(new String(t.body(), StandardCharsets.UTF_8)).isEqualTo("body-" + seen);
        seen++;
      }
    }
    assertThat(seen).isEqualTo(n);

    store.close();
    try (Stream<Path> files = Files.list(dir.resolve("spill"))) {
      assertThat(files).as("spill file deleted on close").isEmpty();
    }
    store = null;
  }

  private static void assertCounts(TaskStore s, long waiting, long inFlight, long succeeded, long failed) {
    assertThat(s.waiting()).as("waiting").isEqualTo(waiting);
    assertThat(s.inFlight()).as("in flight").isEqualTo(inFlight);
    assertThat(s.succeeded()).as("succeeded").isEqualTo(succeeded);
    assertThat(s.failed()).as("failed").isEqualTo(failed);
  }

  private static List<Long> ids(List<TaskStore.Task> tasks) {
    return tasks.stream().map(TaskStore.Task::id).toList();
  }

  private static List<String> bodies(List<TaskStore.Task> tasks) {
    return tasks.stream().map(t -> new String(t.body(), StandardCharsets.UTF_8)).toList();
  }

  private static byte[] body(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
