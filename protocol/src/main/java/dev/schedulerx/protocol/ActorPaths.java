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
  /** Our server only (not SchedulerX): where masters append their operation logs for master resume. */
  public static final String SERVER_MASTER_LOG = "master_log_router";

  // On every worker.
  public static final String WORKER_JOB_INSTANCE = "job_instance_routing";
  public static final String WORKER_CONTAINER = "container_routing";
  public static final String WORKER_MAP_MASTER = "map_master_router";
  public static final String WORKER_HEARTBEAT = "heartbeat_routing";

  /** Transport scheme of Akka classic remoting, which the official peers speak. */
  public static final String SCHEME = "akka.tcp";

  /** Scheme of the classic SSL transport (self-hosted setups with remoting TLS only). */
  public static final String SSL_SCHEME = "akka.ssl.tcp";

  private ActorPaths() {}

  /** {@code akka.tcp://server@host:port/user/name}, where {@code hostPort} is what discovery returned. */
  public static String onServer(String hostPort, String actorName) {
    return onServer(SCHEME, hostPort, actorName);
  }

  /** Same, in the scheme of the caller's transport ({@link #schemeOf}). */
  public static String onServer(String scheme, String hostPort, String actorName) {
    return scheme + "://" + SERVER_SYSTEM + "@" + hostPort + "/user/" + actorName;
  }

  /** {@code akka.tcp://workerId@host:port/user/name}. */
  public static String onWorker(WorkerAddress worker, String actorName) {
    return onWorker(SCHEME, worker, actorName);
  }

  /** Same, in the scheme of the caller's transport ({@link #schemeOf}). */
  public static String onWorker(String scheme, WorkerAddress worker, String actorName) {
    return scheme + "://" + worker.workerId() + "@" + worker.host() + ":" + worker.port() + "/user/" + actorName;
  }

  /**
   * The scheme an actor system's own transport speaks ({@code akka.tcp}, or {@code akka.ssl.tcp} with
   * remoting TLS): peers are addressed in the same one, since a system only talks through its own transport.
   */
  public static String schemeOf(org.apache.pekko.actor.ActorSystem system) {
    return ((org.apache.pekko.actor.ExtendedActorSystem) system).provider().getDefaultAddress().protocol();
  }
}
