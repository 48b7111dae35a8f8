package dev.schedulerx.interop.official;

import com.alibaba.schedulerx.worker.SchedulerxWorker;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the official SchedulerX Java worker in its own JVM against a server at {@code domain}: {@code
 * OfficialWorkerMain domain namespace groupId appKey}. Prints {@value #STARTED} once {@code init()} returned,
 * then waits until the process is stopped.
 */
public final class OfficialWorkerMain {
  public static final String STARTED = "official worker started";

  private OfficialWorkerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: OfficialWorkerMain <domain host:port> <namespace> <groupId> <appKey>");
      System.exit(2);
    }
    if (System.getProperty(LineFileLogCollector.FILE_PROPERTY) != null) {
      // The worker's own setting picks its log collector: script output lines go to a file the test reads.
      com.alibaba.schedulerx.common.util.ConfigUtil.getWorkerConfig().setProperty("log.collector.type", "interop");
      com.alibaba.schedulerx.common.util.ConfigUtil.getWorkerConfig()
          .setProperty("log.collector.interop", LineFileLogCollector.class.getName());
    }
    SchedulerxWorker worker = new SchedulerxWorker();
    worker.setDomainName(args[0]);
    worker.setNamespace(args[1]);
    worker.setGroupId(args[2]);
    worker.setAppKey(args[3]);
    worker.setHost("127.0.0.1");
    worker.init();
    System.out.println(STARTED + " pid=" + ProcessHandle.current().pid());
    System.out.flush();
    new CountDownLatch(1).await(); // until SIGTERM; the worker's own threads do the work
  }
}
