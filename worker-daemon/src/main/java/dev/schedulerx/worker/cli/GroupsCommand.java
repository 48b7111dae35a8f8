package dev.schedulerx.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code groups}: the server's app groups; {@code create-group}, {@code update-group} and {@code delete-group}
 * change them (a new group can be joined at once; a key rotated with {@code update-group --app-key} refuses the
 * old key at once).
 */
@Command(name = "groups", mixinStandardHelpOptions = true, description = "List the server's app groups.")
final class GroupsCommand extends ClientCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    JsonNode groups = api().groups();
    if (json) {
      printJson(groups);
      return WorkerCommand.OK;
    }
    String format = "%-8s %-28s %-16s %-24s %s%n";
    out().printf(format, "ID", "GROUP", "NAMESPACE", "APP NAME", "DESCRIPTION");
    for (JsonNode g : groups) {
      out().printf(format, g.path("appGroupId").asText(), g.path("groupId").asText(), g.path("namespace").asText(),
          g.path("appName").asText(), g.path("description").asText());
    }
    return WorkerCommand.OK;
  }

  /** The options create and update share. */
  abstract static class Change extends ClientCommand {
    @Parameters(index = "0", paramLabel = "GROUP_ID")
    String groupId;

    @Option(names = "--app-key", description = "The key workers join with and OpenAPI calls are signed with")
    String appKey;

    @Option(names = "--app-name")
    String appName;

    @Option(names = "--description")
    String description;

    @Option(names = "--namespace", description = "Namespace uid (default: default)")
    String namespace;

    Map<String, Object> body() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("groupId", groupId);
      put(body, "appKey", appKey);
      put(body, "appName", appName);
      put(body, "description", description);
      put(body, "namespace", namespace);
      return body;
    }

    private static void put(Map<String, Object> body, String key, String value) {
      if (value != null) {
        body.put(key, value);
      }
    }

    int print(JsonNode answer, String what) {
      if (json) {
        printJson(answer);
      } else {
        out().println("group " + answer.path("groupId").asText() + " " + what);
      }
      return WorkerCommand.OK;
    }
  }

  @Command(name = "create-group", mixinStandardHelpOptions = true, description = "Create an app group.")
  static final class Create extends Change implements Callable<Integer> {
    @Override
    public Integer call() {
      return print(api().createGroup(body()), "created");
    }
  }

  @Command(name = "update-group", mixinStandardHelpOptions = true, description = "Change an app group (--app-key rotates its key).")
  static final class Update extends Change implements Callable<Integer> {
    @Override
    public Integer call() {
      return print(api().updateGroup(groupId, body()), "updated");
    }
  }

  @Command(name = "delete-group", mixinStandardHelpOptions = true, description = "Delete an app group.")
  static final class Delete extends ClientCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "GROUP_ID")
    String groupId;

    @Option(names = "--delete-jobs", description = "Delete the group's jobs too (refused otherwise while it has some)")
    boolean deleteJobs;

    @Override
    public Integer call() {
      JsonNode answer = api().deleteGroup(groupId, deleteJobs);
      if (json) {
        printJson(answer);
      } else {
        out().println("group " + groupId + " deleted with " + answer.path("jobsDeleted").asInt() + " jobs");
      }
      return WorkerCommand.OK;
    }
  }
}
