package dev.schedulerx.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import dev.schedulerx.server.store.InstanceState;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Jobs and instances as the official OpenAPI client's classes read them (OPENAPI.md §2.2): exact field names, a
 * JSON type each field's Java type accepts, and every {@code java.util.Date} as ISO-8601 with offset, which the
 * client's plain Gson parses (the human {@code yyyy-MM-dd HH:mm:ss} form goes only into the String {@code *Date}
 * fields). Also the known fields of the nested JSON texts the client sends (monitorConfig, contact, xattrs), with
 * the JSON type each must have, so what is stored always reads back.
 */
final class OpenApiViews {
  /** ISO-8601 with milliseconds and offset ({@code Z} in UTC): what Gson's default Date adapter accepts. */
  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
  private static final DateTimeFormatter HUMAN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /** The JSON types the client's classes declare: what a stored nested text may hold under each known key. */
  enum Kind { BOOLEAN, INTEGER, TEXT }

  /** MonitorConfig's fields (the jar's class; defaults are the client's, applied when a key is absent). */
  static final Map<String, Kind> MONITOR_CONFIG = fields(
      "timeoutEnable", Kind.BOOLEAN, "failEnable", Kind.BOOLEAN, "failLimitTimes", Kind.INTEGER,
      "failRate", Kind.INTEGER, "missWorkerEnable", Kind.BOOLEAN, "timeout", Kind.INTEGER,
      "timeoutKillEnable", Kind.BOOLEAN, "deadline", Kind.TEXT, "daysOfDeadline", Kind.INTEGER,
      "sendChannel", Kind.TEXT, "alarmType", Kind.TEXT, "successNotice", Kind.BOOLEAN,
      "globalNoticeSwitch", Kind.BOOLEAN, "webhookIsAtAll", Kind.BOOLEAN);

  /** ContactInfo's fields. */
  static final Map<String, Kind> CONTACT = fields(
      "empId", Kind.TEXT, "userName", Kind.TEXT, "userPhone", Kind.TEXT, "userMail", Kind.TEXT, "ding", Kind.TEXT);

  /** MapTaskXAttrs' fields. */
  static final Map<String, Kind> MAP_TASK_XATTRS = fields(
      "consumerSize", Kind.INTEGER, "dispatcherSize", Kind.INTEGER, "taskMaxAttempt", Kind.INTEGER,
      "taskAttemptInterval", Kind.INTEGER, "taskDispatchMode", Kind.TEXT, "failover", Kind.BOOLEAN,
      "execOnMaster", Kind.BOOLEAN, "routeType", Kind.INTEGER, "dispatchSpeed", Kind.TEXT,
      "produceInterval", Kind.INTEGER, "pageSize", Kind.INTEGER, "queueSize", Kind.INTEGER,
      "globalConsumerSize", Kind.INTEGER);

  private final ObjectMapper json;
  private final ZoneId zone;

  OpenApiViews(ObjectMapper json, ZoneId zone) {
    this.json = json;
    this.zone = zone;
  }

  ObjectMapper json() {
    return json;
  }

  /** An instant for a {@code java.util.Date} field; null stays null (never "" or epoch millis). */
  String date(Instant t) {
    return t == null ? null : ISO.format(t.atZone(zone));
  }

  /** An instant for a free-text {@code *Date} field. */
  String humanDate(Instant t) {
    return t == null ? null : HUMAN.format(t.atZone(zone));
  }

  /** JobConfigInfo: JobBaseConfig's fields plus the job's type, content, xattrs and monitoring. */
  Map<String, Object> jobConfigInfo(JobDefinition j) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("jobId", j.id());
    v.put("groupId", j.groupId());
    v.put("name", j.name());
    v.put("description", j.description());
    v.put("jobType", j.jobType());
    v.put("contentType", j.isJava() || j.jobType().equals("http") ? 1 : 2);
    if (j.isJava()) {
      v.put("content", json.createObjectNode().put("className", j.processor()).toString());
      v.put("className", j.processor());
    } else {
      v.put("content", j.content());
    }
    v.put("executeMode", j.executeMode());
    v.put("parameters", j.parameters());
    v.put("maxConcurrency", j.maxConcurrency());
    v.put("maxAttempt", j.maxAttempt());
    v.put("attemptInterval", j.attemptIntervalSeconds());
    v.put("status", j.enabled() ? 1 : 0);
    v.put("priority", j.priority());
    Map<String, Object> time = new LinkedHashMap<>();
    time.put("timeType", j.timeType().value());
    time.put("timeExpression", j.timeExpression());
    time.put("dataOffset", 0);
    time.put("timezone", j.timeZone());
    v.put("timeConfig", time);
    v.put("jobMonitorInfo", monitorInfo(j));
    v.put("mapTaskXAttrs", mapTaskXAttrs(j));
    v.put("xAttrs", j.xattrs());
    v.put("hasDesignate", !j.designation().isAny());
    return v;
  }

  /** JobMonitorInfo: the stored monitorConfig with the job's timeout, and the contacts. */
  private Map<String, Object> monitorInfo(JobDefinition j) {
    JsonNode stored = parse(j.monitorConfig());
    ObjectNode monitor = stored.isObject() ? (ObjectNode) stored : json.createObjectNode();
    // The stored timeout is the truth (the REST API and the config set it too); absent keys would read as 7200 s.
    monitor.put("timeoutEnable", j.timeoutSeconds() > 0);
    if (j.timeoutSeconds() > 0 || !monitor.has("timeout")) {
      monitor.put("timeout", j.timeoutSeconds() > 0 ? j.timeoutSeconds() : 7200);
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("monitorConfig", monitor);
    JsonNode contacts = parse(j.contact());
    info.put("contactInfo", contacts.isArray() ? contacts : json.createArrayNode());
    return info;
  }

  /** MapTaskXAttrs from the stored xattrs (known keys only) and the job's sub-task retry settings. */
  private ObjectNode mapTaskXAttrs(JobDefinition j) {
    ObjectNode x = json.createObjectNode();
    JsonNode stored = parse(j.xattrs());
    if (stored.isObject()) {
      stored.fields().forEachRemaining(f -> {
        Kind kind = MAP_TASK_XATTRS.get(f.getKey());
        if (kind != null && fits(kind, f.getValue())) {
          x.set(f.getKey(), f.getValue());
        }
      });
    }
    x.put("taskMaxAttempt", j.taskMaxAttempt());
    x.put("taskAttemptInterval", j.taskAttemptIntervalSeconds());
    return x;
  }

  /** JobInstanceDetail. */
  Map<String, Object> jobInstanceDetail(JobDefinition job, JobInstance i) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("instanceId", i.id());
    v.put("jobId", i.jobId());
    v.put("jobName", i.jobName());
    v.put("status", schedulerxStatus(i.state()));
    v.put("scheduleTime", date(i.scheduleTime()));
    v.put("dataTime", date(i.scheduleTime()));
    v.put("startTime", date(i.startedAt()));
    v.put("endTime", date(i.finishedAt()));
    v.put("scheduleDate", humanDate(i.scheduleTime()));
    v.put("dataDate", humanDate(i.scheduleTime()));
    v.put("startDate", humanDate(i.startedAt()));
    v.put("endDate", humanDate(i.finishedAt()));
    v.put("executor", i.workerId());
    v.put("workAddr", i.workerAddr());
    v.put("result", i.result());
    v.put("failReason", i.state().isFinished() && i.state() != InstanceState.SUCCESS ? i.result() : null);
    v.put("progress", i.progress());
    v.put("attempt", i.attempt());
    v.put("parameters", i.instanceParameters());
    v.put("timeType", job == null ? 100 : job.timeType().value());
    v.put("triggerType", i.triggerType().value());
    v.put("traceId", Long.toString(i.id()));
    return v;
  }

  /**
   * The instance status as SchedulerX numbers it. KILLED (6) is this server's own: the official client's
   * InstanceStatus has no 6 and refuses it, so a killed run reads as FAILED (5), its result saying it was killed.
   */
  static int schedulerxStatus(InstanceState state) {
    return state == InstanceState.KILLED ? InstanceState.FAILED.value() : state.value();
  }

  // ---- the nested JSON texts clients send ----

  /**
   * Checks a JSON object the client sent as text against the fields of its class: a known key must hold a value
   * of its type (null allowed), unknown keys are kept. Returns the compact text to store.
   */
  String checkedObject(String name, JsonNode object, Map<String, Kind> known) {
    object.fields().forEachRemaining(f -> {
      Kind kind = known.get(f.getKey());
      if (kind != null && !f.getValue().isNull() && !fits(kind, f.getValue())) {
        throw new OpenApiEndpoint.Refusal(400, name + "." + f.getKey() + " must be "
            + (kind == Kind.BOOLEAN ? "true or false" : kind == Kind.INTEGER ? "an integer" : "text")
            + ", got " + OpenApiParams.abbreviate(f.getValue().toString()));
      }
    });
    return object.toString();
  }

  /** As {@link #checkedObject} for every element of a JSON array of objects. */
  String checkedArray(String name, JsonNode array, Map<String, Kind> known) {
    ArrayNode checked = json.createArrayNode();
    for (int k = 0; k < array.size(); k++) {
      JsonNode element = array.get(k);
      if (!element.isObject()) {
        throw new OpenApiEndpoint.Refusal(400, name + "[" + k + "] must be an object, got "
            + OpenApiParams.abbreviate(element.toString()));
      }
      checkedObject(name + "[" + k + "]", element, known);
      checked.add(element);
    }
    return checked.toString();
  }

  private static boolean fits(Kind kind, JsonNode value) {
    return switch (kind) {
      case BOOLEAN -> value.isBoolean();
      case INTEGER -> value.isIntegralNumber();
      case TEXT -> value.isTextual();
    };
  }

  /** A stored JSON text; a missing node for "" or text that is not JSON (set by a REST caller, say). */
  private JsonNode parse(String stored) {
    try {
      JsonNode node = stored.isBlank() ? null : json.readTree(stored);
      return node == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : node;
    } catch (Exception e) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
  }

  private static Map<String, Kind> fields(Object... pairs) {
    Map<String, Kind> m = new LinkedHashMap<>();
    for (int k = 0; k < pairs.length; k += 2) {
      m.put((String) pairs[k], (Kind) pairs[k + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  static <T> List<T> page(List<T> all, int pageNum, int pageSize) {
    int from = Math.max(0, (pageNum - 1)) * pageSize;
    return from >= all.size() ? List.of() : all.subList(from, Math.min(all.size(), from + pageSize));
  }
}
