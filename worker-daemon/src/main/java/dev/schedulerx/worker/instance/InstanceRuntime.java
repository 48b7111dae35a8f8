package dev.schedulerx.worker.instance;

import dev.schedulerx.worker.container.ContainerPool;
import dev.schedulerx.worker.plugin.PluginRegistry;
import dev.schedulerx.worker.plugin.ProcessorInvoker;
import dev.schedulerx.worker.task.TaskBodyCodec;

/**
 * What every instance supervisor of one daemon shares.
 *
 * @param self this worker as the server lists it: {@code workerId@host:port}
 * @param workerAddr this worker's {@code host:port}
 * @param masterLog where map masters keep the operation log that lets another worker resume their instance
 */
public record InstanceRuntime(
    PluginRegistry plugins,
    ProcessorInvoker invoker,
    ContainerPool pool,
    TaskBodyCodec codec,
    StatusSink status,
    Peers peers,
    DispatchSettings dispatch,
    String self,
    String workerAddr,
    MasterLog masterLog) {

  /** A runtime whose masters keep no log (they cannot be resumed). */
  public InstanceRuntime(PluginRegistry plugins, ProcessorInvoker invoker, ContainerPool pool, TaskBodyCodec codec,
      StatusSink status, Peers peers, DispatchSettings dispatch, String self, String workerAddr) {
    this(plugins, invoker, pool, codec, status, peers, dispatch, self, workerAddr, MasterLog.NONE);
  }

  /** The same runtime reaching the workers through {@code other}. */
  public InstanceRuntime withPeers(Peers other) {
    return new InstanceRuntime(plugins, invoker, pool, codec, status, other, dispatch, self, workerAddr, masterLog);
  }
}
