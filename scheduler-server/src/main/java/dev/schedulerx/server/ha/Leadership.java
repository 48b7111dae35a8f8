package dev.schedulerx.server.ha;

import dev.schedulerx.server.store.LeaderLease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in the leader election: it renews or takes the lease in the database, knows until when it
 * leads, and which other node leads as of its last round (so HTTP and actor threads can forward without a
 * database read). Rounds run on one thread; the getters are safe from any.
 */
public final class Leadership {
  private static final Logger log = LoggerFactory.getLogger(Leadership.class);

  /** What one lease round found. */
  public enum Round {
    /** This node took the lease (it did not hold it in the round before). */
    GAINED,
    /** This node still holds it. */
    KEPT,
    /** Another node holds it, or none could be taken. */
    NOT_HELD
  }

  private final LeaderLease lease;
  private final Clock clock;
  private final String nodeId;
  private final String remotingAddress;
  private final Supplier<String> httpAddress;
  private final Duration ttl;
  /** Until when this node's lease is valid (epoch ms), as of its last successful renewal; 0 = not leader. */
  private volatile long leaderUntil;
  /** Another node's lease as of this node's last round, or null (this node leads, or none does). */
  private volatile LeaderLease.Holder knownLeader;
  /** The holder last seen, to log each change of leadership once; round thread only. */
  private String lastHolder;

  public Leadership(LeaderLease lease, Clock clock, String nodeId, String remotingAddress, Supplier<String> httpAddress, Duration ttl) {
    this.lease = lease;
    this.clock = clock;
    this.nodeId = nodeId;
    this.remotingAddress = remotingAddress;
    this.httpAddress = httpAddress;
    this.ttl = ttl;
  }

  /** Renews or takes the lease as of {@code now}; on failure this node stops leading until a round succeeds. */
  public Round renew(Instant now) {
    boolean held;
    try {
      held = lease.tryAcquireOrRenew(nodeId, remotingAddress, httpAddress.get(), now, ttl);
    } catch (RuntimeException e) {
      // Without a renewal this node cannot know it still leads.
      log.warn("leader lease could not be renewed, not scheduling until it is: {}", e.toString());
      held = false;
    }
    if (held) {
      leaderUntil = now.plus(ttl).toEpochMilli();
      knownLeader = null;
      if (nodeId.equals(lastHolder)) {
        return Round.KEPT;
      }
      log.info("this node is now the leader ({}, remoting {})", nodeId, remotingAddress);
      lastHolder = nodeId;
      return Round.GAINED;
    }
    leaderUntil = 0;
    String holder;
    try {
      Optional<LeaderLease.Holder> current = lease.current(now);
      knownLeader = current.orElse(null);
      holder = current.map(LeaderLease.Holder::nodeId).orElse(null);
    } catch (RuntimeException e) {
      knownLeader = null;
      holder = null;
    }
    if (holder != null && !holder.equals(lastHolder)) {
      log.info("node {} is the leader", holder);
    } else if (holder == null && nodeId.equals(lastHolder)) {
      log.info("this node is no longer the leader");
    }
    lastHolder = holder;
    return Round.NOT_HELD;
  }

  /** Whether this node holds an unexpired lease (and so schedules). */
  public boolean isLeader() {
    return clock.millis() < leaderUntil;
  }

  /**
   * The leader when it is another node, as of the last round. Empty while this node leads or no lease is
   * held; requests then run here.
   */
  public Optional<LeaderLease.Holder> otherLeader() {
    LeaderLease.Holder holder = knownLeader;
    if (holder == null || isLeader() || holder.nodeId().equals(nodeId) || !holder.expiresAt().isAfter(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(holder);
  }

  /** The remoting address discovery hands to workers: the lease holder's, or this node's when none holds it. */
  public String leaderRemotingAddress() {
    try {
      return lease.current(clock.instant()).map(LeaderLease.Holder::remotingAddr).orElse(remotingAddress);
    } catch (RuntimeException e) {
      log.warn("leader lease unreadable, answering this node's address: {}", e.toString());
      return remotingAddress;
    }
  }

  public String nodeId() {
    return nodeId;
  }

  /** Stops leading and frees the lease for the next node at once (it would otherwise expire by itself). */
  public void release() {
    leaderUntil = 0;
    try {
      if (lease.release(nodeId)) {
        log.info("released the leader lease");
      }
    } catch (RuntimeException e) {
      log.warn("could not release the leader lease (it expires by itself): {}", e.toString());
    }
  }
}
