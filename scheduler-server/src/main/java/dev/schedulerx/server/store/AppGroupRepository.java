package dev.schedulerx.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Stores {@link AppGroup}s in {@code sx_app_group} and {@link Namespace}s in {@code sx_namespace}. */
public final class AppGroupRepository {
  private static final String COLUMNS = "id, group_id, namespace_uid, app_name, app_key, description, max_jobs,"
      + " max_concurrency, monitor_config, contact, alarm_json, metrics_threshold_json";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM sx_app_group";

  private final Jdbc jdbc;

  public AppGroupRepository(DataSource dataSource) {
    this.jdbc = new Jdbc(dataSource);
  }

  public List<AppGroup> findAll() {
    return jdbc.list("list app groups", SELECT + " ORDER BY id", Jdbc.Binder.NONE, AppGroupRepository::map);
  }

  public Optional<AppGroup> find(String groupId) {
    return jdbc.first("find app group " + groupId, SELECT + " WHERE group_id = ?", ps -> ps.setString(1, groupId),
        AppGroupRepository::map);
  }

  /**
   * Stores a new group.
   *
   * @throws StoreConflictException when a group with that id exists
   */
  public AppGroup insert(AppGroup group, Instant now) {
    String action = "create app group " + group.groupId();
    try {
      return jdbc.inTransaction(c -> {
        try (var ps = c.prepareStatement(
            "INSERT INTO sx_app_group (group_id, namespace_uid, app_name, app_key, description, max_jobs,"
                + " max_concurrency, monitor_config, contact, alarm_json, metrics_threshold_json, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            java.sql.Statement.RETURN_GENERATED_KEYS)) {
          int i = bind(ps, group);
          ps.setLong(i++, now.toEpochMilli());
          ps.setLong(i, now.toEpochMilli());
          ps.executeUpdate();
          try (ResultSet keys = ps.getGeneratedKeys()) {
            if (!keys.next()) {
              throw new SQLException("no id generated for app group " + group.groupId());
            }
            return group.withId(keys.getLong(1));
          }
        }
      });
    } catch (SQLException e) {
      if (SqlErrors.isConstraintViolation(e)) {
        throw new StoreConflictException("group " + group.groupId() + " already exists", e);
      }
      throw new StoreQueryException(action, e);
    }
  }

  /** Replaces every field but the id and group id; false when there is no such group. */
  public boolean update(AppGroup group, Instant now) {
    return jdbc.update("update app group " + group.groupId(),
        "UPDATE sx_app_group SET namespace_uid = ?, app_name = ?, app_key = ?, description = ?, max_jobs = ?,"
            + " max_concurrency = ?, monitor_config = ?, contact = ?, alarm_json = ?, metrics_threshold_json = ?,"
            + " updated_at = ? WHERE group_id = ?",
        ps -> {
          int i = bind(ps, group, 1, false);
          ps.setLong(i++, now.toEpochMilli());
          ps.setString(i, group.groupId());
        }) > 0;
  }

  public boolean delete(String groupId) {
    return jdbc.update("delete app group " + groupId, "DELETE FROM sx_app_group WHERE group_id = ?",
        ps -> ps.setString(1, groupId)) > 0;
  }

  public List<Namespace> namespaces() {
    return jdbc.list("list namespaces", "SELECT uid, name, description, source FROM sx_namespace ORDER BY created_at, uid",
        Jdbc.Binder.NONE, rs -> new Namespace(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
  }

  public Optional<Namespace> namespace(String uid) {
    return jdbc.first("find namespace " + uid, "SELECT uid, name, description, source FROM sx_namespace WHERE uid = ?",
        ps -> ps.setString(1, uid), rs -> new Namespace(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
  }

  /**
   * Stores a namespace.
   *
   * @throws StoreConflictException when one with that uid exists
   */
  public void insertNamespace(Namespace namespace, Instant now) {
    try {
      jdbc.inTransaction(c -> Jdbc.update(c,
          "INSERT INTO sx_namespace (uid, name, description, source, created_at) VALUES (?, ?, ?, ?, ?)",
          ps -> {
            ps.setString(1, namespace.uid());
            ps.setString(2, namespace.name());
            ps.setString(3, namespace.description());
            ps.setString(4, namespace.source());
            ps.setLong(5, now.toEpochMilli());
          }));
    } catch (SQLException e) {
      if (SqlErrors.isConstraintViolation(e)) {
        throw new StoreConflictException("namespace " + namespace.uid() + " already exists", e);
      }
      throw new StoreQueryException("create namespace " + namespace.uid(), e);
    }
  }

  public boolean deleteNamespace(String uid) {
    return jdbc.update("delete namespace " + uid, "DELETE FROM sx_namespace WHERE uid = ?", ps -> ps.setString(1, uid)) > 0;
  }

  private static int bind(java.sql.PreparedStatement ps, AppGroup g) throws SQLException {
    return bind(ps, g, 1, true);
  }

  private static int bind(java.sql.PreparedStatement ps, AppGroup g, int from, boolean withGroupId) throws SQLException {
    int i = from;
    if (withGroupId) {
      ps.setString(i++, g.groupId());
    }
    ps.setString(i++, g.namespace());
    ps.setString(i++, g.appName());
    ps.setString(i++, g.appKey());
    ps.setString(i++, g.description());
    ps.setInt(i++, g.maxJobs());
    ps.setInt(i++, g.maxConcurrency());
    ps.setString(i++, g.monitorConfig());
    ps.setString(i++, g.contact());
    ps.setString(i++, g.alarmJson());
    ps.setString(i++, g.metricsThresholdJson());
    return i;
  }

  private static AppGroup map(ResultSet rs) throws SQLException {
    return new AppGroup(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getInt(7), rs.getInt(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12));
  }
}
