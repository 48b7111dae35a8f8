package dev.schedulerx.worker.instance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.api.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** What a master's log says is stored: the finished tasks a resume would keep, never more. */
class OperationLogTest {
  /** A server that answers each append only when the test says so. */
  private static final class HeldAppends implements MasterLog {
    final List<CompletableFuture<Appended>> answers = new ArrayList<>();

    @Override
    public boolean enabled() {
      return true;
    }

    @Override
    public synchronized CompletionStage<Appended> append(long instanceId, int epoch, long seq, byte[] segment) {
      CompletableFuture<Appended> answer = new CompletableFuture<>();
      answers.add(answer);
      return answer;
    }

    @Override
    public CompletionStage<Optional<Segment>> next(long instanceId, int epoch, int afterEpoch, long afterSeq) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
  }

  private static OperationLog logTo(MasterLog server) {
    return new OperationLog(server, 7, 0, Runnable::run, why -> {}, bytes -> {});
  }

  @Test
  void finishedTasksCountOnceTheirSegmentAndEveryEarlierOneAreStored() {
    HeldAppends server = new HeldAppends();
    OperationLog log = logTo(server);
    log.created(-1, "root", new byte[] {1}, 0);
    log.finished(0, TaskStatus.SUCCESS, "a");
    log.finished(1, TaskStatus.SUCCESS, "b");
    log.cut();
    log.finished(2, TaskStatus.FAILED, "c");
    log.cut();
    assertThat(server.answers).hasSize(2);

    server.answers.get(1).complete(MasterLog.Appended.STORED);
    assertThat(log.storedFinals()).as("the later segment alone is not a prefix").isZero();

    server.answers.get(0).complete(MasterLog.Appended.STORED);
    assertThat(log.storedFinals()).isEqualTo(3);
  }

  @Test
  void nothingCountsOnceANewerMasterFencedTheLog() {
    HeldAppends server = new HeldAppends();
    OperationLog log = logTo(server);
    log.finished(0, TaskStatus.SUCCESS, "a");
    log.cut();
    server.answers.get(0).complete(MasterLog.Appended.STORED);
    log.finished(1, TaskStatus.SUCCESS, "b");
    log.cut();

    server.answers.get(1).complete(MasterLog.Appended.FENCED);

    assertThat(log.storedFinals()).isEqualTo(1);
  }
}
