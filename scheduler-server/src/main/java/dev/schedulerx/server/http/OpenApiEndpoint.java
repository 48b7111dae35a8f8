package dev.schedulerx.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.server.config.ServerSettings;
import dev.schedulerx.server.group.AppGroups;
import dev.schedulerx.server.store.AppGroup;
import dev.schedulerx.server.store.StoreConflictException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plumbing every SchedulerX OpenAPI route shares (OPENAPI.md §1): the signature check (§1.2 headers, HMAC of
 * the group's app key), the parameters from a form (Java SDK) or JSON (Go SDK) body, and the SchedulerX envelope
 * {@code {code, success, message, requestId, data}} on every answer, refusals included. Route classes register
 * their operations through {@link #post}; any other {@code /openapi/v1/*} path is answered with a refusal naming
 * it, never with a body the client would read as code 0.
 */
final class OpenApiEndpoint {
  private static final Logger log = LoggerFactory.getLogger(OpenApiEndpoint.class);
  static final String PREFIX = "/openapi/v1";
  private static final String CALLER = "openapi.group";

  /** Who called: the group whose key signed the request, and the user the client named (or "openapi"). */
  record Caller(AppGroup group, String user, boolean admin) {
    String groupId() {
      return group.groupId();
    }
  }

  /** One operation: its answer's {@code data} (null for none) or a {@link Refusal}. */
  interface Operation {
    Object run(Caller caller, OpenApiParams params) throws Exception;
  }

  /** A refusal: HTTP status and envelope code {@code status}, one-line {@code message}. */
  static final class Refusal extends RuntimeException {
    final int status;

    Refusal(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private final ServerSettings settings;
  private final AppGroups groups;
  private final ObjectMapper json;
  private final Javalin app;

  OpenApiEndpoint(ServerSettings settings, AppGroups groups, ObjectMapper json, Javalin app) {
    this.settings = settings;
    this.groups = groups;
    this.json = json;
    this.app = app;
  }

  ObjectMapper json() {
    return json;
  }

  /** Registers {@code operation} for {@code PREFIX + path}, signed by an existing group. */
  void post(String path, Operation operation) {
    register(path, operation, false);
  }

  /**
   * Registers an operation that may name a group the server does not know yet (group and namespace creation):
   * signed with the API token as key when one is set, open otherwise, as the REST API is.
   */
  void postManagement(String path, Operation operation) {
    register(path, operation, true);
  }

  private void register(String path, Operation operation, boolean management) {
    app.post(PREFIX + path, ctx -> {
      OpenApiParams params = params(ctx);
      Caller caller = authenticate(ctx, params, management);
      ctx.attribute(CALLER, caller.groupId());
      Object data;
      try {
        data = operation.run(caller, params);
      } catch (Refusal e) {
        throw e;
      } catch (CompletionException e) {
        throw e.getCause() instanceof IllegalArgumentException bad ? new Refusal(400, bad.getMessage()) : e;
      } catch (IllegalArgumentException | StoreConflictException e) {
        throw new Refusal(400, e.getMessage());
      }
      ctx.json(envelope(200, true, "", data));
    });
  }

  /** After every route: the envelope for refusals and for paths nobody registered. Call once, last. */
  void registerFallbacks() {
    app.exception(Refusal.class, this::refuse);
    app.post(PREFIX + "/*", ctx -> {
      throw new Refusal(404, ctx.path() + " is not supported by this server");
    });
    app.get(PREFIX + "/*", ctx -> {
      throw new Refusal(405, ctx.path() + ": the OpenAPI takes POST requests");
    });
  }

  // ---- authentication ----

  /** Checks the §1.3 headers; returns the caller or throws a 401 Refusal with the reason. */
  private Caller authenticate(Context ctx, OpenApiParams params, boolean management) {
    String timestamp = ctx.header("openapi-timestamp");
    String groupId = ctx.header("openapi-groupid");
    String signature = ctx.header("openapi-signature");
    String user = Optional.ofNullable(params.nonBlank("user")).orElse("openapi");
    if (management) {
      return managementCaller(ctx, params, timestamp, groupId, signature, user);
    }
    for (String[] h : new String[][] {{"openapi-timestamp", timestamp}, {"openapi-groupid", groupId}, {"openapi-signature", signature}}) {
      if (h[1] == null || h[1].isBlank()) {
        throw new Refusal(401, "missing header " + h[0]);
      }
    }
    Optional<AppGroup> group = groups.find(groupId);
    if (group.isEmpty()) {
      throw new Refusal(401, "unknown group " + groupId);
    }
    checkTimestamp(timestamp);
    if (!OpenApiSignature.matches(group.get().appKey(), groupId, timestamp, signature)
        // a key rotated on another server node reaches this one's cache within its refresh; ask the store now
        && !groups.reload(groupId).filter(g -> OpenApiSignature.matches(g.appKey(), groupId, timestamp, signature)).isPresent()) {
      throw new Refusal(401, "bad signature for group " + groupId);
    }
    String groupParam = params.nonBlank("groupId");
    if (groupParam != null && !groupParam.equals(groupId)) {
      throw new Refusal(401, "groupId " + groupParam + " does not match openapi-groupid " + groupId);
    }
    return new Caller(groups.find(groupId).orElse(group.get()), user, false);
  }

  private Caller managementCaller(
      Context ctx, OpenApiParams params, String timestamp, String groupId, String signature, String user) {
    String token = settings.apiSecurity().apiToken();
    String named = Optional.ofNullable(groupId).filter(g -> !g.isBlank()).orElse(params.nonBlank("groupId"));
    if (!token.isEmpty()) {
      if (timestamp == null || signature == null || named == null) {
        throw new Refusal(401, "this call needs openapi-groupid, openapi-timestamp and openapi-signature signed with"
            + " the server's api-token as app key");
      }
      checkTimestamp(timestamp);
      boolean byToken = OpenApiSignature.matches(token, named, timestamp, signature);
      boolean byGroup = groups.find(named).filter(g -> OpenApiSignature.matches(g.appKey(), named, timestamp, signature)).isPresent();
      if (!byToken && !byGroup) {
        throw new Refusal(401, "bad signature: sign with the server's api-token (or the group's app key) as app key");
      }
      AppGroup caller = groups.find(named).orElse(AppGroup.unknown(named == null ? "" : named));
      return new Caller(caller, user, byToken);
    }
    AppGroup caller = named == null ? AppGroup.unknown("") : groups.find(named).orElse(AppGroup.unknown(named));
    // No api-token: the server's API is open (loopback by default), as its REST API is.
    return new Caller(caller, user, true);
  }

  private void checkTimestamp(String timestamp) {
    long millis;
    try {
      millis = Long.parseLong(timestamp.strip());
    } catch (NumberFormatException e) {
      throw new Refusal(401, "openapi-timestamp \"" + timestamp + "\" is not epoch milliseconds");
    }
    long skew = Math.abs(System.currentTimeMillis() - millis);
    if (skew > settings.apiSecurity().openApiSkew().toMillis()) {
      throw new Refusal(401, "stale timestamp: " + skew + " ms from the server clock, more than the allowed "
          + settings.apiSecurity().openApiSkew().toMillis() + " ms");
    }
  }

  /** The bearer-token check of the project's own {@code /api/v1}. */
  static void checkApiToken(ServerSettings settings, Context ctx) {
    String token = settings.apiSecurity().apiToken();
    if (token.isEmpty()) {
      return;
    }
    String header = ctx.header("Authorization");
    String expected = "Bearer " + token;
    if (header == null
        || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), header.strip().getBytes(StandardCharsets.UTF_8))) {
      log.warn("API {} {} refused for {}: {}", ctx.method(), ctx.path(), ctx.ip(), header == null ? "no bearer token" : "wrong bearer token");
      throw new io.javalin.http.UnauthorizedResponse("missing or wrong API token");
    }
  }

  // ---- answers ----

  private void refuse(Refusal e, Context ctx) {
    String message = e.getMessage() == null ? "refused" : e.getMessage().replace('\n', ' ');
    if (e.status == 401) {
      log.warn("OpenAPI {} refused for {}: {}", ctx.path(), ctx.ip(), message);
    } else {
      log.info("OpenAPI {} from group {} failed: {}", ctx.path(), ctx.attribute(CALLER), message);
    }
    ctx.status(e.status).json(envelope(e.status, false, message, null));
  }

  static Map<String, Object> envelope(int code, boolean success, String message, Object data) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", code);
    body.put("success", success);
    body.put("message", message);
    body.put("requestId", UUID.randomUUID().toString());
    if (data != null) {
      body.put("data", data);
    }
    return body;
  }

  /** Query parameters, then the body: a JSON object (Go SDK) or form fields (Java SDK). */
  private OpenApiParams params(Context ctx) {
    Map<String, String> params = new LinkedHashMap<>();
    ctx.queryParamMap().forEach((k, v) -> params.put(k, v.isEmpty() ? "" : v.get(0)));
    String contentType = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (contentType.startsWith("multipart/")) {
      // the SDKs send form-urlencoded (Java) or JSON (Go); multipart would need another parser
      throw new Refusal(415, "unsupported content type " + contentType + ": send application/x-www-form-urlencoded or application/json");
    }
    String body = ctx.body();
    if (contentType.contains("json") || (!contentType.contains("form") && body.strip().startsWith("{"))) {
      if (!body.isBlank()) {
        JsonNode tree;
        try {
          tree = json.readTree(body);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
          throw new Refusal(400, "malformed JSON body: " + e.getOriginalMessage().replace('\n', ' '));
        }
        if (tree == null || !tree.isObject()) {
          throw new Refusal(400, "the JSON body must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          JsonNode v = field.getValue();
          if (!v.isNull()) {
            params.put(field.getKey(), v.isValueNode() ? v.asText() : v.toString());
          }
        }
      }
    } else {
      ctx.formParamMap().forEach((k, v) -> params.put(k, v.isEmpty() ? "" : v.get(0)));
    }
    return new OpenApiParams(params, json);
  }
}
