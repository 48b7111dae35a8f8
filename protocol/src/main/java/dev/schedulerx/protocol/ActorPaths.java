package dev.schedulerx.protocol;

/**
 * Actor names and paths that SchedulerX servers and workers address each other by. They are part of the
 * wire contract: the official server and workers send to exactly these paths.
 */
public final class ActorPaths {
  /** Name of the server's actor system; its anchor is {@code akka.tcp://server@host:port/}. */
  public static final String SERVER_SYSTEM = "server";

  // On the server.
  public static final String SERVER_HEARTBEAT = "heartbeat";
  public static final String SERVER_INSTANCE_STATUS = "instance_status_router";
  public static final String SERVER_MAP_MASTER = "map_master_router";

  // On every worker.
  public static final String WORKER_JOB_INSTANCE = "job_instance_routing";
  public static final String WORKER_CONTAINER = "container_routing";
  public static final String WORKER_MAP_MASTER = "map_master_router";
  public static final String WORKER_HEARTBEAT = "heartbeat_routing";

  /** Transport scheme of Akka classic remoting, which the official peers speak. */
  public static final String SCHEME = "akka.tcp";

  private ActorPaths() {}

  /** {@code akka.tcp://server@host:port/user/name}, where {@code hostPort} is what discovery returned. */
  public static String onServer(String hostPort, String actorName) {
    return SCHEME + "://" + SERVER_SYSTEM + "@" + hostPort + "/user/" + actorName;
  }

  /** {@code akka.tcp://workerId@host:port/user/name}. */
  public static String onWorker(WorkerAddress worker, String actorName) {
    return SCHEME + "://" + worker.workerId() + "@" + worker.host() + ":" + worker.port() + "/user/" + actorName;
  }
}
