package dev.schedulerx.common.process;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT ask the program (server or worker daemon) to stop: the main thread wakes up, closes
 * it and exits 0. A second signal while it is stopping halts at once (exit 130), for an operator who
 * cannot wait.
 */
public final class StopSignals {
  private final CompletableFuture<Void> requested = new CompletableFuture<>();

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
    if (!requested.complete(null)) {
      Runtime.getRuntime().halt(130);
    }
  }

  /** Completes at the first signal: for waits that must end early when the program is asked to stop. */
  public CompletionStage<Void> requested() {
    return requested.minimalCompletionStage();
  }

  public void await() throws InterruptedException {
    try {
      requested.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e); // never: only completed normally
    }
  }
}
