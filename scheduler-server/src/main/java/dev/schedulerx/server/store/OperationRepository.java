package dev.schedulerx.server.store;

import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/** The audit trail in {@code sx_operation}: appended, read newest first, never changed. */
public final class OperationRepository {
  private static final String SELECT = "SELECT id, operate_time, operator, group_id, operate_type, object_type,"
      + " object_id, object_old, object_latest, source FROM sx_operation";
  private static final int MAX_TEXT = 65_536;

  private final Jdbc jdbc;

  public OperationRepository(DataSource dataSource) {
    this.jdbc = new Jdbc(dataSource);
  }

  public void append(Operation op) {
    jdbc.update("record operation " + op.operateType() + " " + op.objectType() + " " + op.objectId(),
        "INSERT INTO sx_operation (operate_time, operator, group_id, operate_type, object_type, object_id, object_old,"
            + " object_latest, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ps -> {
          ps.setLong(1, op.time().toEpochMilli());
          ps.setString(2, cut(op.operator(), 255));
          ps.setString(3, op.groupId());
          ps.setString(4, cut(op.operateType(), 32));
          ps.setString(5, cut(op.objectType(), 32));
          ps.setString(6, cut(op.objectId(), 255));
          ps.setString(7, cut(Texts.storable(op.objectOld()), MAX_TEXT));
          ps.setString(8, cut(Texts.storable(op.objectLatest()), MAX_TEXT));
          ps.setString(9, cut(op.source(), 32));
        });
  }

  /** The WHERE clause of the optional filters, and its arguments in order. */
  private record Filter(String where, List<String> args) {
    static Filter of(String groupId, String objectType, String objectId) {
      StringBuilder where = new StringBuilder(" WHERE 1 = 1");
      List<String> args = new java.util.ArrayList<>();
      for (String[] f : new String[][] {{"group_id", groupId}, {"object_type", objectType}, {"object_id", objectId}}) {
        if (f[1] != null && !f[1].isBlank()) {
          where.append(" AND ").append(f[0]).append(" = ?");
          args.add(f[1].strip());
        }
      }
      return new Filter(where.toString(), args);
    }

    int bind(java.sql.PreparedStatement ps) throws java.sql.SQLException {
      int i = 1;
      for (String a : args) {
        ps.setString(i++, a);
      }
      return i;
    }
  }

  /**
   * A page of the trail, newest first, optionally only one group's, one object type's or one object's.
   *
   * @param offset entries to skip
   */
  public List<Operation> find(String groupId, String objectType, String objectId, int offset, int limit) {
    Filter filter = Filter.of(groupId, objectType, objectId);
    return jdbc.list("list operations", SELECT + filter.where() + " ORDER BY id DESC LIMIT ? OFFSET ?",
        ps -> {
          int i = filter.bind(ps);
          ps.setInt(i++, limit);
          ps.setInt(i, offset);
        },
        rs -> new Operation(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
            rs.getString(5), rs.getString(6), rs.getString(7), Texts.orEmpty(rs.getString(8)),
            Texts.orEmpty(rs.getString(9)), rs.getString(10)));
  }

  /** How many entries {@link #find} would page through. */
  public long count(String groupId, String objectType, String objectId) {
    Filter filter = Filter.of(groupId, objectType, objectId);
    return jdbc.first("count operations", "SELECT COUNT(*) FROM sx_operation" + filter.where(), filter::bind,
        rs -> rs.getLong(1)).orElse(0L);
  }

  private static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
