package dev.schedulerx.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.schedulerx.worker.client.ServerApiClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code create-job} and {@code update-job}: a job of the config's group defined from the command line, a Java
 * processor or a script/HTTP job whose content is given inline or read from a file ({@code --content @run.sh}).
 * Create refuses a name in use; update changes only the fields given and keeps the rest.
 */
abstract class JobChangeCommand extends ClientCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", paramLabel = "JOB", description = "Job name")
  String name;

  @Option(names = "--type", description = "java, shell, python or http (create default: java)")
  String type;

  @Option(names = "--processor", description = "Processor of a java job (short or class name)")
  String processor;

  @Option(names = "--content", paramLabel = "TEXT|@FILE",
      description = "Script of a shell/python job or HttpAttribute JSON of an http job; @FILE reads it from a file")
  String content;

  @Option(names = "--mode", description = "Execute mode: standalone, broadcast, grid, parallel, batch, sharding")
  String executeMode;

  @Option(names = "--time-type", description = "api, cron, fixed_rate, second_delay or one_time")
  String timeType;

  @Option(names = "--time-expression", description = "Cron (with seconds), seconds, or an ISO date-time")
  String timeExpression;

  @Option(names = "--time-zone", description = "Zone of the schedule (empty: the server's)")
  String timeZone;

  @Option(names = "--parameters", description = "Job parameters")
  String parameters;

  @Option(names = "--timeout", description = "Seconds before a run is ended as timed out (0: none)")
  Long timeout;

  @Option(names = "--max-attempt", description = "Retries of a failed run")
  Integer maxAttempt;

  @Option(names = "--attempt-interval", description = "Seconds between retries")
  Integer attemptInterval;

  @Option(names = "--description")
  String description;

  @Option(names = "--monitor-config", description = "Alert rules: SchedulerX monitorConfig JSON")
  String monitorConfig;

  @Option(names = "--contact", description = "Alert contacts: SchedulerX contact JSON")
  String contact;

  @Option(names = "--enabled", arity = "1", paramLabel = "true|false", description = "Whether it fires on its schedule")
  Boolean enabled;

  /** Puts the options given over {@code spec}. */
  ObjectNode apply(ObjectNode spec) {
    put(spec, "jobType", type == null ? null : type.toLowerCase(Locale.ROOT));
    put(spec, "processor", processor);
    put(spec, "content", content == null ? null : readContent(content));
    put(spec, "executeMode", executeMode);
    put(spec, "timeType", timeType);
    put(spec, "timeExpression", timeExpression);
    put(spec, "timeZone", timeZone);
    put(spec, "parameters", parameters);
    put(spec, "description", description);
    put(spec, "monitorConfig", monitorConfig);
    put(spec, "contact", contact);
    if (timeout != null) {
      spec.put("timeout", timeout);
    }
    if (maxAttempt != null) {
      spec.put("maxAttempt", maxAttempt);
    }
    if (attemptInterval != null) {
      spec.put("attemptInterval", attemptInterval);
    }
    if (enabled != null) {
      spec.put("enabled", enabled);
    }
    String kind = spec.path("jobType").asText("java");
    if (!kind.equals("java")) {
      spec.remove("processor"); // a script or HTTP job names none; the server derives it from the type
    } else if (type != null) {
      spec.putNull("content");
    }
    return spec;
  }

  private static void put(ObjectNode spec, String field, String value) {
    if (value != null) {
      spec.put(field, value);
    }
  }

  private String readContent(String value) {
    if (!value.startsWith("@")) {
      return value;
    }
    Path file = Path.of(value.substring(1));
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--content " + value + ": cannot read " + file.toAbsolutePath() + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  int print(JsonNode answer, String what) {
    if (json) {
      printJson(answer);
    } else {
      JsonNode s = answer.path("spec");
      String kind = s.path("jobType").asText("java");
      out().println("job " + s.path("name").asText() + " " + what + " (group " + s.path("group").asText() + ", "
          + (kind.equals("java") ? "processor " + s.path("processor").asText() : kind) + ", "
          + s.path("executeMode").asText() + ", " + s.path("timeType").asText()
          + (s.path("timeExpression").asText("").isEmpty() ? "" : " " + s.path("timeExpression").asText()) + ")");
    }
    return WorkerCommand.OK;
  }

  private static boolean exists(ServerApiClient api, String name) {
    try {
      api.job(name);
      return true;
    } catch (ServerApiClient.ApiException e) {
      if (e.status() == 404) {
        return false;
      }
      throw e;
    }
  }

  @Command(name = "create-job", mixinStandardHelpOptions = true,
      description = "Create a job in the config's group: a java processor, or a shell/python/http job with --content.")
  static final class Create extends JobChangeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      String kind = type == null ? "java" : type.toLowerCase(Locale.ROOT);
      if (kind.equals("java") && processor == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "a java job needs --processor");
      }
      if (!kind.equals("java") && content == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "a " + kind + " job needs --content (TEXT or @FILE)");
      }
      ServerApiClient api = api();
      if (exists(api, name)) {
        err().println("error: job " + name + " exists in group " + settings().groupId() + ": change it with update-job");
        return WorkerCommand.FAILED;
      }
      ObjectNode body = JSON.createObjectNode().put("group", settings().groupId()).put("name", name);
      return print(api.upsertJob(apply(body)), "created");
    }
  }

  @Command(name = "update-job", mixinStandardHelpOptions = true,
      description = "Change a job of the config's group: only the options given change.")
  static final class Update extends JobChangeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      ServerApiClient api = api();
      ObjectNode current = api.job(name).path("spec").deepCopy();
      return print(api.upsertJob(apply(current)), "updated");
    }
  }
}
