package dev.schedulerx.protocol;

import java.util.Objects;

/**
 * A worker as the server lists it in {@code workers} of a submit request: {@code workerId@host:port}
 * (old form) or {@code workerId@host:port:rpcPort} (new form, Go workers).
 */
public record WorkerAddress(String workerId, String host, int port) {

  public WorkerAddress {
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(host, "host");
  }

  /** Parses either wire form; throws IllegalArgumentException naming the text when it is neither. */
  public static WorkerAddress parse(String text) {
    int at = text.indexOf('@');
    if (at <= 0) {
      throw new IllegalArgumentException("worker address \"" + text + "\" is not workerId@host:port");
    }
    String[] hostPorts = text.substring(at + 1).split(":");
    if (hostPorts.length < 2 || hostPorts[0].isEmpty()) {
      throw new IllegalArgumentException("worker address \"" + text + "\" is not workerId@host:port");
    }
    try {
      return new WorkerAddress(text.substring(0, at), hostPorts[0], Integer.parseInt(hostPorts[1]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("worker address \"" + text + "\" has a non-numeric port");
    }
  }

  /** {@code host:port}, the form used in task status reports. */
  public String hostPort() {
    return host + ":" + port;
  }

  @Override
  public String toString() {
    return workerId + "@" + host + ":" + port;
  }
}
