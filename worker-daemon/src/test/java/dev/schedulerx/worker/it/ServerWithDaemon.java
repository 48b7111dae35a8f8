package dev.schedulerx.worker.it;

import dev.schedulerx.server.workflow.Workflows;
import dev.schedulerx.worker.WorkerDaemon;
import java.nio.file.Path;
import java.time.Duration;

/** A real server (H2 in memory) and one daemon joined to it over TCP, ready; closed daemon first. */
final class ServerWithDaemon implements AutoCloseable {
  final TestServer server;
  private final TestDaemons daemons;
  private final WorkerDaemon daemon;

  private ServerWithDaemon(TestServer server, TestDaemons daemons, WorkerDaemon daemon) {
    this.server = server;
    this.daemons = daemons;
    this.daemon = daemon;
  }

  /** Starts both; the daemon's files live in {@code dir}/daemon. */
  static ServerWithDaemon start(Path dir, Duration ready) throws Exception {
    TestServer server = TestServer.inMemory();
    TestDaemons daemons = new TestDaemons();
    try {
      WorkerDaemon daemon = daemons.start(server.domain(), TestServer.APP_KEY, dir.resolve("daemon"));
      daemon.awaitReady(ready);
      return new ServerWithDaemon(server, daemons, daemon);
    } catch (Exception | AssertionError e) {
      daemons.close();
      server.close();
      throw e;
    }
  }

  Workflows workflows() {
    return server.workflows();
  }

  @Override
  public void close() throws Exception {
    try {
      daemon.close();
    } finally {
      try {
        server.close();
      } finally {
        daemons.close();
      }
    }
  }
}
