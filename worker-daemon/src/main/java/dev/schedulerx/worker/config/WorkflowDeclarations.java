package dev.schedulerx.worker.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import dev.schedulerx.common.config.ConfigError;
import dev.schedulerx.common.config.LayeredConfig;
import dev.schedulerx.job.MonitorSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code schedulerx.workflows { name { … } }} into the bodies the server's {@code POST /api/v1/workflows}
 * takes, with the DAG by job name ({@code edges = ["a -> c", "b -> c"]}, {@code nodes} for jobs without edges); the
 * server resolves the names in the daemon's group. Every key and edge is checked here, so a typo fails the start.
 */
final class WorkflowDeclarations {
  static final Set<String> KEYS = Set.of("time-type", "time-expression", "time-zone", "max-concurrency",
      "concurrency-policy", "failure-policy", "enabled", "description", "nodes", "edges", "parameters", "conditions",
      "monitor-config", "contact");

  private WorkflowDeclarations() {}

  static List<Map<String, Object>> read(Config workflows, String groupId) {
    List<Map<String, Object>> bodies = new ArrayList<>();
    for (String name : new TreeSet<>(workflows.root().keySet())) {
      String path = "schedulerx.workflows." + name;
      Config w;
      try {
        w = workflows.getConfig("\"" + name + "\"");
      } catch (ConfigException.WrongType e) {
        throw new ConfigError(path + " must be an object like { edges = [\"a -> c\", \"b -> c\"] }");
      }
      for (Map.Entry<String, ConfigValue> e : w.root().entrySet()) {
        if (!KEYS.contains(e.getKey())) {
          throw new ConfigError("unknown key " + path + "." + e.getKey() + " (line " + e.getValue().origin().lineNumber()
              + "): a workflow accepts " + new TreeSet<>(KEYS));
        }
      }
      try {
        Set<String> nodes = new LinkedHashSet<>(w.hasPath("nodes") ? w.getStringList("nodes") : List.of());
        List<List<String>> edges = new ArrayList<>();
        for (String edge : w.hasPath("edges") ? w.getStringList("edges") : List.<String>of()) {
          String[] ends = edge.split("->");
          if (ends.length != 2 || ends[0].isBlank() || ends[1].isBlank()) {
            throw new ConfigError("bad edge \"" + edge + "\" in " + path + ".edges: expected \"parent -> child\" (job names)");
          }
          edges.add(List.of(ends[0].trim(), ends[1].trim()));
          nodes.add(ends[0].trim());
          nodes.add(ends[1].trim());
        }
        if (nodes.isEmpty()) {
          throw new ConfigError(path + " has no jobs: set edges = [\"a -> b\"] or nodes = [a]");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("group", groupId);
        body.put("name", name);
        body.put("timeType", w.hasPath("time-type") ? w.getString("time-type") : "api");
        putIf(body, "timeExpression", w, "time-expression");
        putIf(body, "timeZone", w, "time-zone");
        putIf(body, "concurrencyPolicy", w, "concurrency-policy");
        putIf(body, "failurePolicy", w, "failure-policy");
        putIf(body, "description", w, "description");
        // alert settings, SchedulerX's monitorConfig and contact JSON texts as a job's: checked by the same parser
        putIf(body, "monitorConfig", w, "monitor-config");
        putIf(body, "contact", w, "contact");
        MonitorSettings.parse((String) body.get("monitorConfig"));
        MonitorSettings.parseContacts((String) body.get("contact"));
        if (w.hasPath("max-concurrency")) {
          body.put("maxConcurrency", w.getInt("max-concurrency"));
        }
        body.put("enabled", !w.hasPath("enabled") || w.getBoolean("enabled"));
        Map<String, Object> dag = new LinkedHashMap<>();
        dag.put("nodes", List.copyOf(nodes));
        dag.put("edges", edges);
        if (w.hasPath("parameters")) { // per node, by job name: replaces the job's parameters in this workflow
          dag.put("parameters", w.getConfig("parameters").root().unwrapped());
        }
        if (w.hasPath("conditions")) { // condition nodes by name: { when | expect, then }, named in edges like jobs
          dag.put("conditions", w.getConfig("conditions").root().unwrapped());
        }
        body.put("dagByName", dag);
        bodies.add(body);
      } catch (ConfigException e) {
        throw new ConfigError(LayeredConfig.oneLine(e));
      } catch (IllegalArgumentException e) {
        throw new ConfigError("bad workflow " + path + ": " + e.getMessage());
      }
    }
    return bodies;
  }

  private static void putIf(Map<String, Object> body, String field, Config c, String key) {
    if (c.hasPath(key)) {
      body.put(field, c.getString(key));
    }
  }
}
