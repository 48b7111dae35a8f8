package dev.schedulerx.worker.instance;

import dev.schedulerx.worker.container.ContainerPool;
import dev.schedulerx.worker.container.TaskBodyCodec;
import dev.schedulerx.worker.plugin.PluginRegistry;
import dev.schedulerx.worker.plugin.ProcessorInvoker;

/**
 * What every instance supervisor of one daemon shares.
 *
 * @param self this worker as the server lists it: {@code workerId@host:port}
 * @param workerAddr this worker's {@code host:port}
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
    String workerAddr) {

  /** The same runtime reaching the workers through {@code other}. */
  public InstanceRuntime withPeers(Peers other) {
    return new InstanceRuntime(plugins, invoker, pool, codec, status, other, dispatch, self, workerAddr);
  }
}
