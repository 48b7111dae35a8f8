package dev.schedulerx.server.store;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A named lease in {@code sx_leader_lease} that at most one server node holds at a time. Taking it over
 * and renewing it is one conditional UPDATE ({@code WHERE holder = me OR expires_at < now}), so of two
 * racing nodes only one can win; the very first holder is whoever INSERTs the row first (the loser gets a
 * duplicate key and backs off). Times are the callers' clocks in epoch milliseconds: nodes must keep their
 * clocks in sync to well within the lease TTL.
 */
public final class LeaderLease {
  /** The lease the scheduling nodes compete for. */
  public static final String SCHEDULER = "scheduler";

  /** Who holds the lease, and until when. */
  public record Holder(String nodeId, String remotingAddr, String httpAddr, Instant expiresAt) {}

  private final Jdbc jdbc;
  private final String name;

  public LeaderLease(DataSource dataSource) {
    this(dataSource, SCHEDULER);
  }

  public LeaderLease(DataSource dataSource, String name) {
    this.jdbc = new Jdbc(dataSource);
    this.name = Objects.requireNonNull(name, "name");
  }

  /**
   * Acquires the lease when it is free or expired, renews it when this node holds it.
   *
   * @return true when {@code nodeId} holds the lease after the call (until {@code now + ttl})
   */
  public boolean tryAcquireOrRenew(String nodeId, String remotingAddr, String httpAddr, Instant now, Duration ttl) {
    long nowMillis = now.toEpochMilli();
    long expiresAt = now.plus(ttl).toEpochMilli();
    return jdbc.withConnection(
        "acquire lease " + name,
        c -> {
          int updated =
              Jdbc.update(
                  c,
                  "UPDATE sx_leader_lease SET holder = ?, remoting_addr = ?, http_addr = ?, expires_at = ?"
                      + " WHERE lease_name = ? AND (holder = ? OR expires_at < ?)",
                  ps -> {
                    ps.setString(1, nodeId);
                    ps.setString(2, remotingAddr);
                    ps.setString(3, httpAddr);
                    ps.setLong(4, expiresAt);
                    ps.setString(5, name);
                    ps.setString(6, nodeId);
                    ps.setLong(7, nowMillis);
                  });
          if (updated > 0) {
            return true;
          }
          if (Jdbc.first(c, "SELECT 1 FROM sx_leader_lease WHERE lease_name = ?", ps -> ps.setString(1, name), rs -> 1)
              .isPresent()) {
            return false; // held by another node and not expired (checked first to keep the database log quiet)
          }
          try {
            return Jdbc.update(
                    c,
                    "INSERT INTO sx_leader_lease (lease_name, holder, remoting_addr, http_addr, expires_at)"
                        + " VALUES (?, ?, ?, ?, ?)",
                    ps -> {
                      ps.setString(1, name);
                      ps.setString(2, nodeId);
                      ps.setString(3, remotingAddr);
                      ps.setString(4, httpAddr);
                      ps.setLong(5, expiresAt);
                    })
                > 0;
          } catch (SQLException e) {
            if (SqlErrors.isConstraintViolation(e) || SqlErrors.isTransient(e)) {
              // the row exists, or a racing node's insert won the lock (MariaDB answers such a race with a
              // deadlock): another node holds the lease or just took it
              return false;
            }
            throw e;
          }
        });
  }

  /** The holder of the lease, when it is held and has not expired at {@code now}. */
  public Optional<Holder> current(Instant now) {
    return jdbc.first(
            "read lease " + name,
            "SELECT holder, remoting_addr, http_addr, expires_at FROM sx_leader_lease WHERE lease_name = ?",
            ps -> ps.setString(1, name),
            rs -> new Holder(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))))
        .filter(h -> h.expiresAt().isAfter(now));
  }

  /** Gives the lease up (clean shutdown) so another node takes over at once; no-op when not the holder. */
  public boolean release(String nodeId) {
    return jdbc.update(
            "release lease " + name,
            "UPDATE sx_leader_lease SET expires_at = 0 WHERE lease_name = ? AND holder = ?",
            ps -> {
              ps.setString(1, name);
              ps.setString(2, nodeId);
            })
        > 0;
  }
}
