package dev.schedulerx.protocol;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Worker ids as SchedulerX forms them: {@code <12-digit IPv4>_<pid>_<suffix>}, e.g. {@code
 * 127000000001_4711_38215}. The id doubles as the name of the worker's actor system.
 */
public final class WorkerIds {
  private WorkerIds() {}

  /** A fresh id for a worker advertising {@code host}; {@code suffix} keeps ids of one process apart. */
  public static String create(String host, long pid, long suffix) {
    return paddedIpv4(host) + "_" + pid + "_" + (suffix % 100_000);
  }

  static String paddedIpv4(String host) {
    byte[] octets;
    try {
      InetAddress address = InetAddress.getByName(host);
      octets = address instanceof Inet4Address ? address.getAddress() : new byte[] {127, 0, 0, 1};
    } catch (UnknownHostException e) {
      octets = new byte[] {127, 0, 0, 1};
    }
    StringBuilder digits = new StringBuilder(12);
    for (byte octet : octets) {
      int value = octet & 0xff; // three digits, zero-padded (String.format's first use costs a daemon's start ~5 ms)
      digits.append((char) ('0' + value / 100)).append((char) ('0' + value / 10 % 10)).append((char) ('0' + value % 10));
    }
    return digits.toString();
  }
}
