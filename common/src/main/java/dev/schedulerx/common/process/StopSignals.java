package dev.schedulerx.common.process;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT ask the program (server or worker daemon) to stop: the main thread wakes up, closes
 * it and exits 0. A second signal while it is stopping halts at once (exit 130), for an operator who
 * cannot wait.
 */
public final class StopSignals {
  private final CountDownLatch requested = new CountDownLatch(1);

  private StopSignals() {}

  /** Without handlers: for running the command in a test JVM, whose own signal handling stays as it was. */
  public static StopSignals notInstalled() {
    return new StopSignals();
  }

  public static StopSignals install() {
    StopSignals signals = new StopSignals();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signals::onSignal);
    }
    return signals;
  }

  private void onSignal(Signal signal) {
    if (requested.getCount() == 0) {
      Runtime.getRuntime().halt(130);
    }
    requested.countDown();
  }

  public void await() throws InterruptedException {
    requested.await();
  }
}
