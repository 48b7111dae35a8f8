package dev.schedulerx.server.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.server.store.Operation;
import dev.schedulerx.server.store.OperationRepository;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records who created, changed, ran or deleted what, through which front door, with the object before and after
 * as JSON. Called on request threads after the change is stored; a record that cannot be written is logged, not
 * turned into a failure of a change that already happened.
 */
public final class AuditTrail {
  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

  /** The front doors, as stored in {@code source}. */
  public static final String OPENAPI = "openapi";
  public static final String REST = "rest";
  public static final String CONFIG = "config";

  private final OperationRepository store;
  private final ObjectMapper json;
  private final Clock clock;

  public AuditTrail(OperationRepository store, ObjectMapper json, Clock clock) {
    this.store = store;
    this.json = json;
    this.clock = clock;
  }

  /**
   * Appends one entry.
   *
   * @param before the object before the change (null for a creation); serialized as JSON unless a String
   * @param after the object after it (null for a deletion)
   */
  public void record(String source, String operator, String groupId, String operateType, String objectType,
      Object objectId, Object before, Object after) {
    try {
      store.append(new Operation(0, clock.instant(), operator == null || operator.isBlank() ? "anonymous" : operator,
          groupId, operateType, objectType, String.valueOf(objectId), text(before), text(after), source));
    } catch (RuntimeException e) {
      log.warn("audit entry not stored ({} {} {} {} by {}): {}", source, operateType, objectType, objectId, operator, e.toString());
    }
  }

  public List<Operation> find(String groupId, String objectType, String objectId, int offset, int limit) {
    return store.find(groupId, objectType, objectId, offset, limit);
  }

  public long count(String groupId, String objectType, String objectId) {
    return store.count(groupId, objectType, objectId);
  }

  private String text(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof String s) {
      return s;
    }
    try {
      return json.writeValueAsString(value);
    } catch (Exception e) {
      return String.valueOf(value);
    }
  }
}
