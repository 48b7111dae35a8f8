package dev.schedulerx.worker.script;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.ProcessResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs HTTP jobs as the official worker's {@code HttpProcessor} does: a GET, or a POST whose body is the run's
 * (else the job's) parameters as form data or JSON; the {@code schedulerx-*} headers with the job's ids and
 * times; connect timeout 3 s, the job's timeout (default 10 s) for the response. Success is decided by
 * {@code respParseMode}: 1 the status code equals {@code respCode}; 2 status 200 and the JSON body's {@code
 * respKey} equals {@code respValue}; 3 status 200 and the body equals {@code respStr}. The body (read up to
 * {@value #MAX_BODY_BYTES} bytes) is the result, shortened as every result is; failures carry the official
 * worker's messages. HTTPS uses the JDK's trust store. The request, the response and the outcome are logged to
 * the instance log under the official worker's line texts.
 */
final class HttpJobProcessor implements dev.schedulerx.api.BroadcastProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(HttpJobProcessor.class);
  private static final Logger OUTPUT = LoggerFactory.getLogger(ScriptProcessor.OUTPUT_LOGGER);
  static final int MAX_BODY_BYTES = 1 << 20;
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

  private final ScriptSettings.Http settings;
  /** Made at the first http job: building one loads the JDK's TLS context, a noticeable part of a daemon's start. */
  private HttpClient client;

  HttpJobProcessor(ScriptSettings.Http settings) {
    this.settings = requireNonNull(settings, "settings");
  }

  private synchronized HttpClient client() {
    if (client == null) {
      client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
    }
    return client;
  }

  @Override
  public String name() {
    return BuiltInProcessors.nameOf(BuiltInProcessors.HTTP);
  }

  @Override
  public ProcessResult process(JobContext context) throws Exception {
    if (!settings.enabled()) {
      LOG.info("http job refused: http jobs are disabled");
      return ProcessResult.failure("http jobs are disabled on worker " + context.workerAddr() + ": set "
          + ScriptSettings.HTTP_ENABLED_KEY + " = true in its conf/worker.conf");
    }
    HttpJob job;
    URI uri;
    try {
      job = HttpJob.parse(JobSource.of(context).content());
      uri = URI.create(job.url());
    } catch (IllegalArgumentException e) {
      return ProcessResult.failure(e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return ProcessResult.failure("url " + job.url() + " of the http job is not http:// or https://");
    }
    if (!settings.allows(uri.getHost())) {
      LOG.info("http job refused: host {} is not allowed", uri.getHost());
      return ProcessResult.failure("host " + uri.getHost() + " is not allowed on worker " + context.workerAddr()
          + ": add it to schedulerx.worker.http-jobs.allowed-hosts");
    }
    OUTPUT.info("Http Request URL: {}", job.url());
    String params = parameters(context);
    HttpRequest request;
    try {
      request = request(job, uri, params, context);
    } catch (IllegalArgumentException e) {
      return ProcessResult.failure(e.getMessage());
    }
    OUTPUT.info("Http Request Headers: {}", Json.MAPPER.writeValueAsString(request.headers().map()));
    OUTPUT.info("Http Request Parameters: {}", params);
    ProcessResult result;
    try {
      HttpResponse<InputStream> response = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
      String body = read(response.body());
      OUTPUT.info("Http response content: {}", body.length() > OutputLines.MAX_LINE_BYTES ? body.substring(0, OutputLines.MAX_LINE_BYTES) + " [cut]" : body);
      result = judge(job, response.statusCode(), body, context);
    } catch (HttpTimeoutException e) {
      String msg = String.format("http execute timeout, jobId=%s, jobInstanceId=%s", context.jobId(), context.jobInstanceId());
      LOG.info("{}: {}", msg, e instanceof HttpConnectTimeoutException ? "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s"
          : "no response within " + job.timeoutSeconds() + " s");
      OUTPUT.info("{},throwable: {}", msg, e.toString());
      return ProcessResult.failure(msg);
    } catch (IOException e) {
      String msg = String.format("http execute error, jobId=%s, jobInstanceId=%s", context.jobId(), context.jobInstanceId());
      LOG.info("{}: {}", msg, e.toString());
      OUTPUT.info("{},throwable: {}", msg, e.toString());
      return ProcessResult.failure(msg);
    }
    OUTPUT.info(result.isSuccess() ? "http callback success" : "http callback failed: " + result.result());
    return result;
  }

  private HttpRequest request(HttpJob job, URI uri, String params, JobContext context) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(job.timeoutSeconds()));
    if ("GET".equalsIgnoreCase(job.method())) {
      builder.GET();
    } else if ("POST".equalsIgnoreCase(job.method())) {
      String type = job.contentType() == null || job.contentType().isBlank() ? "application/x-www-form-urlencoded" : job.contentType();
      boolean known = type.equalsIgnoreCase("application/x-www-form-urlencoded") || type.equalsIgnoreCase("application/json");
      if (params != null && !params.isBlank() && known) {
        builder.header("Content-Type", type.toLowerCase(Locale.ROOT) + "; charset=UTF-8");
        builder.POST(HttpRequest.BodyPublishers.ofString(params, StandardCharsets.UTF_8));
      } else {
        builder.POST(HttpRequest.BodyPublishers.noBody());
      }
    } else {
      throw new IllegalArgumentException("method " + job.method() + " of the http job is not supported: use GET or POST");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (job.cookie() != null && !job.cookie().isEmpty()) {
      headers.put("Cookie", job.cookie());
    }
    headers.put("schedulerx-jobId", Long.toString(context.jobId()));
    headers.put("schedulerx-groupId", context.groupId());
    headers.put("schedulerx-jobName", URLEncoder.encode(context.jobName(), StandardCharsets.UTF_8));
    headers.put("schedulerx-scheduleTimestamp", Long.toString(context.scheduleTime().toEpochMilli()));
    headers.put("schedulerx-dataTimestamp", Long.toString(context.dataTime().toEpochMilli()));
    headers.put("schedulerx-user", URLEncoder.encode(context.user() == null ? "" : context.user(), StandardCharsets.UTF_8));
    headers.put("schedulerx-maxAttempt", Integer.toString(context.maxAttempt()));
    headers.put("schedulerx-attempt", Integer.toString(context.attempt()));
    headers.put("schedulerx-jobInstanceId", Long.toString(context.jobInstanceId()));
    headers.forEach(builder::header);
    return builder.build();
  }

  /** The official worker's verdict on a response. */
  static ProcessResult judge(HttpJob job, int status, String body, JobContext context) {
    switch (job.respParseMode()) {
      case HttpJob.RESPONSE_CODE:
        if (!Objects.equals(job.respCode(), status)) {
          return ProcessResult.failure(String.format(
              "http responseCode is different from the expected value,expected value=%s, actual value=%s", job.respCode(), status));
        }
        return ProcessResult.success(body);
      case HttpJob.CUSTOMIZE_JSON:
        if (status != 200) {
          return ProcessResult.failure(String.format("http response code is not 200, response code=%s, uri=%s, jobId=%s, jobInstanceId=%s",
              status, job.url(), context.jobId(), context.jobInstanceId()));
        }
        JsonNode node;
        try {
          node = Json.MAPPER.readTree(body);
        } catch (IOException e) {
          node = null;
        }
        if (node == null || !node.isObject()) {
          return ProcessResult.failure(String.format("Json parse failed, jobId=%s, jobInstanceId=%s", context.jobId(), context.jobInstanceId()));
        }
        JsonNode value = job.respKey() == null ? null : node.get(job.respKey());
        String actual = value == null || value.isNull() ? null : value.isValueNode() ? value.asText() : value.toString();
        if (job.respValue() == null || !job.respValue().equals(actual)) {
          return ProcessResult.failure(String.format("The returned value is different from the expected value: %s", node));
        }
        return ProcessResult.success(node.toString());
      case HttpJob.CUSTOMIZE_STRING:
        if (status != 200) {
          return ProcessResult.failure(String.format("http response code is not 200,response code=%s, uri=%s, jobId=%s, jobInstanceId=%s",
              status, job.url(), context.jobId(), context.jobInstanceId()));
        }
        if (!Objects.equals(body, job.respStr())) {
          return ProcessResult.failure(String.format(
              "http returned value different from the expected value, expected value=%s, actual value=%s", job.respStr(), body));
        }
        return ProcessResult.success(body);
      default:
        return ProcessResult.failure(String.format("invalid response parse mode=%s", job.respParseMode()));
    }
  }

  private static String parameters(JobContext context) {
    String run = context.instanceParameters();
    if (run != null && !run.isEmpty()) {
      return run;
    }
    String job = context.jobParameters();
    return job != null && !job.isEmpty() ? job : null;
  }

  /** The body as UTF-8, at most {@value #MAX_BODY_BYTES} bytes of it. */
  private static String read(InputStream in) throws IOException {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      int n;
      while (out.size() < MAX_BODY_BYTES && (n = in.read(chunk, 0, Math.min(chunk.length, MAX_BODY_BYTES - out.size()))) != -1) {
        out.write(chunk, 0, n);
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  /** Made at the first HTTP job, not when the daemon registers its built-in processors at start. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }
}
