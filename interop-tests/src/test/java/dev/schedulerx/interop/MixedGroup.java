package dev.schedulerx.interop;

import static org.awaitility.Awaitility.await;

import dev.schedulerx.interop.daemon.DaemonShardCheck;
import dev.schedulerx.interop.daemon.DaemonSum;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Our server with one group of three workers, each its own JVM: the official SchedulerX Java worker and two of
 * our daemons (with the mixed group's processors), all registered when {@link #start} returns.
 */
final class MixedGroup implements AutoCloseable {
  final OurServer server;
  final Processes official;
  final Processes daemonA;
  final Processes daemonB;

  private MixedGroup(OurServer server, Processes official, Processes daemonA, Processes daemonB) {
    this.server = server;
    this.official = official;
    this.daemonA = daemonA;
    this.daemonB = daemonB;
  }

  static MixedGroup start(Path dir, Duration within) throws IOException {
    return start(dir, within, "");
  }

  /** The same with {@code daemonConf} inside both daemons' {@code schedulerx { }}. */
  static MixedGroup start(Path dir, Duration within, String daemonConf) throws IOException {
    OurServer server = OurServer.start(dir);
    Processes official = OfficialWorkerProcess.launch("official worker", server.domain(),
        Files.createDirectories(dir.resolve("official")).resolve("worker.log"), "256m");
    Processes daemonA = OurDaemonProcess.launch("daemon A", server.domain(), dir.resolve("daemon-a"), "256m", daemonConf, DaemonSum.class, DaemonShardCheck.class);
    Processes daemonB = OurDaemonProcess.launch("daemon B", server.domain(), dir.resolve("daemon-b"), "256m", daemonConf, DaemonSum.class, DaemonShardCheck.class);
    MixedGroup group = new MixedGroup(server, official, daemonA, daemonB);
    try {
      OfficialWorkerProcess.awaitStarted(official);
      OurDaemonProcess.awaitReady(daemonA);
      OurDaemonProcess.awaitReady(daemonB);
      await("three workers registered").atMost(within).pollInterval(Duration.ofMillis(200))
          .until(() -> server.workers().size() == 3);
    } catch (RuntimeException | Error e) {
      group.close();
      throw e;
    }
    return group;
  }

  @Override
  public void close() {
    Processes.closeEach(daemonA, daemonB, official, server);
  }
}
