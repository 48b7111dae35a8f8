package dev.schedulerx.server.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A workflow's graph: nodes are job ids, edges run parent → child. Parsed from SchedulerX's {@code dagJson}
 * ({@code {"nodes":[{"id":1}],"edges":[{"source":1,"target":2}]}}; unknown node fields ignored, {@code from}/{@code
 * to} accepted for source/target), and always acyclic: {@link #parse} refuses anything else with the reason.
 *
 * <p>Beyond SchedulerX, two optional node fields: {@code "parameters"} on a job node replaces the job's parameters
 * in this workflow, and a node {@code {"id":-1,"type":"condition",...}} (negative id, no job) is a {@link Condition}.
 *
 * @param conditions the condition nodes by their (negative) id
 * @param parameters per-node parameters overriding the job's, by job id
 */
public record Dag(List<Long> nodes, List<Edge> edges, Map<Long, Condition> conditions, Map<Long, String> parameters) {
  /** One dependency: {@code target} starts only after {@code source} succeeded (or was skipped). */
  public record Edge(long source, long target) {}

  /**
   * A node that runs no job: once all its parents ended (succeeded, skipped, failed or stopped) it checks their
   * states and lets either its {@code then} children run (the condition holds) or its other children; the children
   * not chosen, and every node below them that has no other way in, end SKIPPED. A failed parent whose children are
   * all conditions counts as handled: it does not fail the workflow instance. Its result, passed to its children
   * as upstream data, is {@code "true"} or {@code "false"}.
   *
   * @param when {@code all-succeeded}, {@code any-succeeded}, {@code all-failed} or {@code any-failed} (a skipped
   *     parent counts as succeeded), or null when {@code expect} is used
   * @param expect per parent job id, {@code success} or {@code failed}; the condition holds when every one matches
   */
  public record Condition(String name, String when, Map<Long, String> expect, List<Long> then) {
    public static final List<String> WHENS = List.of("all-succeeded", "any-succeeded", "all-failed", "any-failed");

    public Condition {
      expect = expect == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(expect));
      then = List.copyOf(then);
    }

    /** Whether the condition holds for the parents' outcomes ({@code true} = succeeded or skipped). */
    public boolean holds(Map<Long, Boolean> succeededByParent) {
      if (when == null) {
        return expect.entrySet().stream()
            .allMatch(e -> succeededByParent.getOrDefault(e.getKey(), false) == "success".equals(e.getValue()));
      }
      return switch (when) {
        case "all-succeeded" -> succeededByParent.values().stream().allMatch(ok -> ok);
        case "any-succeeded" -> succeededByParent.values().stream().anyMatch(ok -> ok);
        case "all-failed" -> succeededByParent.values().stream().noneMatch(ok -> ok);
        default -> succeededByParent.values().stream().anyMatch(ok -> !ok);
      };
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The graph without nodes, as a new workflow has it. */
  public static final Dag EMPTY = new Dag(List.of(), List.of());

  public Dag {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
    conditions = Collections.unmodifiableMap(new LinkedHashMap<>(conditions));
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  /** A graph of job nodes only, without per-node parameters. */
  public Dag(List<Long> nodes, List<Edge> edges) {
    this(nodes, edges, Map.of(), Map.of());
  }

  /** The nodes that run a job (all but the conditions). */
  public List<Long> jobNodes() {
    return nodes.stream().filter(n -> !conditions.containsKey(n)).toList();
  }

  public boolean isCondition(long node) {
    return conditions.containsKey(node);
  }

  /**
   * Reads and checks a DAG: JSON shape, ids, duplicate nodes, edges to missing nodes, self-loops, cycles.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Dag parse(String dagJson) {
    if (dagJson == null || dagJson.isBlank()) {
      throw new IllegalArgumentException("dagJson is empty; expected {\"nodes\":[{\"id\":jobId}],\"edges\":[{\"source\":jobId,\"target\":jobId}]}");
    }
    JsonNode root;
    try {
      root = JSON.readTree(dagJson);
    } catch (Exception e) {
      throw new IllegalArgumentException("dagJson is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("dagJson must be a JSON object with \"nodes\" and \"edges\"");
    }
    JsonNode nodeArray = root.path("nodes");
    if (!nodeArray.isArray()) {
      throw new IllegalArgumentException("dagJson.nodes must be an array of {\"id\":jobId}");
    }
    Set<Long> nodes = new LinkedHashSet<>();
    Map<Long, JsonNode> conditionNodes = new LinkedHashMap<>();
    Map<Long, String> parameters = new LinkedHashMap<>();
    for (JsonNode n : nodeArray) {
      long id = id(n.isObject() ? (n.has("id") ? n.get("id") : n.get("jobId")) : n, "dagJson.nodes[].id");
      if (!nodes.add(id)) {
        throw new IllegalArgumentException("dagJson.nodes lists job " + id + " twice");
      }
      boolean condition = n.isObject() && "condition".equals(n.path("type").asText());
      if (condition != id < 0) {
        throw new IllegalArgumentException(condition
            ? "dagJson condition node " + id + " needs a negative id (positive ids are job ids)"
            : "dagJson node " + id + ": negative ids are for {\"type\":\"condition\"} nodes, job ids are positive");
      }
      if (condition) {
        conditionNodes.put(id, n);
      } else if (n.isObject() && n.hasNonNull("parameters")) {
        if (!n.get("parameters").isTextual()) {
          throw new IllegalArgumentException("dagJson node " + id + ": parameters must be a string");
        }
        parameters.put(id, n.get("parameters").asText());
      }
    }
    JsonNode edgeArray = root.path("edges");
    if (!edgeArray.isMissingNode() && !edgeArray.isNull() && !edgeArray.isArray()) {
      throw new IllegalArgumentException("dagJson.edges must be an array of {\"source\":jobId,\"target\":jobId}");
    }
    Set<Edge> edges = new LinkedHashSet<>();
    for (JsonNode e : edgeArray.isArray() ? edgeArray : JSON.createArrayNode()) {
      if (!e.isObject()) {
        throw new IllegalArgumentException("dagJson.edges[] must be objects {\"source\":jobId,\"target\":jobId}");
      }
      long source = id(e.has("source") ? e.get("source") : e.get("from"), "dagJson.edges[].source");
      long target = id(e.has("target") ? e.get("target") : e.get("to"), "dagJson.edges[].target");
      if (!nodes.contains(source) || !nodes.contains(target)) {
        throw new IllegalArgumentException("dagJson edge " + source + "->" + target + " names a job that is not among the nodes");
      }
      if (source == target) {
        throw new IllegalArgumentException("dagJson edge " + source + "->" + target + " makes job " + source + " depend on itself");
      }
      edges.add(new Edge(source, target));
    }
    Dag graph = new Dag(new ArrayList<>(nodes), new ArrayList<>(edges));
    Map<Long, Condition> conditions = new LinkedHashMap<>();
    conditionNodes.forEach((id, n) -> conditions.put(id, condition(id, n, graph)));
    Dag dag = new Dag(graph.nodes(), graph.edges(), conditions, parameters);
    dag.topologicalOrder(); // refuses cycles
    return dag;
  }

  private static Condition condition(long id, JsonNode n, Dag graph) {
    String where = "dagJson condition node " + id;
    List<Long> parents = graph.parents().get(id);
    List<Long> children = graph.children().get(id);
    if (parents.isEmpty()) {
      throw new IllegalArgumentException(where + " has no parent; it decides from its parents' states");
    }
    String when = n.hasNonNull("when") ? n.get("when").asText() : null;
    Map<Long, String> expect = new LinkedHashMap<>();
    if (n.has("expect")) {
      if (!n.get("expect").isObject()) {
        throw new IllegalArgumentException(where + ": expect must be an object {\"<parent job id>\":\"success|failed\"}");
      }
      for (Map.Entry<String, JsonNode> e : n.get("expect").properties()) {
        long parent = id(JSON.getNodeFactory().textNode(e.getKey()), where + ".expect key");
        String status = e.getValue().asText();
        if (!parents.contains(parent)) {
          throw new IllegalArgumentException(where + ": expect names " + parent + ", which is not one of its parents " + parents);
        }
        if (!status.equals("success") && !status.equals("failed")) {
          throw new IllegalArgumentException(where + ": expect." + parent + " must be \"success\" or \"failed\", was " + e.getValue());
        }
        expect.put(parent, status);
      }
    }
    if ((when == null) == expect.isEmpty()) {
      throw new IllegalArgumentException(where + " needs exactly one of \"when\" (one of " + Condition.WHENS
          + ") or \"expect\" ({\"<parent job id>\":\"success|failed\"})");
    }
    if (when != null && !Condition.WHENS.contains(when)) {
      throw new IllegalArgumentException(where + ": when must be one of " + Condition.WHENS + ", was \"" + when + "\"");
    }
    List<Long> then = new ArrayList<>();
    JsonNode thenArray = n.path("then");
    if (!thenArray.isArray()) {
      throw new IllegalArgumentException(where + ": then must list the children that run when it holds, e.g. [" + (children.isEmpty() ? 1 : children.get(0)) + "]");
    }
    for (JsonNode t : thenArray) {
      long child = id(t, where + ".then[]");
      if (!children.contains(child)) {
        throw new IllegalArgumentException(where + ": then names " + child + ", which is not one of its children " + children);
      }
      then.add(child);
    }
    String name = n.hasNonNull("name") && !n.get("name").asText().isBlank() ? n.get("name").asText().trim() : "condition" + id;
    return new Condition(name, when, expect, then);
  }

  private static long id(JsonNode value, String field) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      throw new IllegalArgumentException(field + " is missing");
    }
    if (value.canConvertToExactIntegral() || value.isIntegralNumber()) {
      return value.asLong();
    }
    if (value.isTextual()) {
      try {
        return Long.parseLong(value.asText().trim());
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new IllegalArgumentException(field + " must be a job id (a number), was " + value);
  }

  /** Parents of each node (direct only), in edge order; every node has an entry. */
  public Map<Long, List<Long>> parents() {
    Map<Long, List<Long>> parents = new LinkedHashMap<>();
    nodes.forEach(n -> parents.put(n, new ArrayList<>()));
    edges.forEach(e -> parents.get(e.target()).add(e.source()));
    return parents;
  }

  /** Children of each node (direct only); every node has an entry. */
  public Map<Long, List<Long>> children() {
    Map<Long, List<Long>> children = new LinkedHashMap<>();
    nodes.forEach(n -> children.put(n, new ArrayList<>()));
    edges.forEach(e -> children.get(e.source()).add(e.target()));
    return children;
  }

  /**
   * The nodes parents first (Kahn's algorithm).
   *
   * @throws IllegalArgumentException naming the jobs on a cycle
   */
  public List<Long> topologicalOrder() {
    Map<Long, Integer> inDegree = new HashMap<>();
    nodes.forEach(n -> inDegree.put(n, 0));
    edges.forEach(e -> inDegree.merge(e.target(), 1, Integer::sum));
    Map<Long, List<Long>> children = children();
    Deque<Long> ready = new ArrayDeque<>();
    nodes.stream().filter(n -> inDegree.get(n) == 0).forEach(ready::add);
    List<Long> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      long n = ready.poll();
      order.add(n);
      for (long child : children.get(n)) {
        if (inDegree.merge(child, -1, Integer::sum) == 0) {
          ready.add(child);
        }
      }
    }
    if (order.size() < nodes.size()) {
      List<Long> onCycle = new ArrayList<>(nodes);
      onCycle.removeAll(order);
      Collections.sort(onCycle);
      throw new IllegalArgumentException("dagJson has a cycle through jobs " + onCycle);
    }
    return order;
  }

  /** Every node reachable from {@code from} (not including it). */
  public Set<Long> descendants(long from) {
    Map<Long, List<Long>> children = children();
    Set<Long> seen = new LinkedHashSet<>();
    Deque<Long> todo = new ArrayDeque<>(children.getOrDefault(from, List.of()));
    while (!todo.isEmpty()) {
      long n = todo.poll();
      if (seen.add(n)) {
        todo.addAll(children.get(n));
      }
    }
    return seen;
  }

  /** The canonical JSON, as stored and as GetWorkflow answers it. */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode nodeArray = root.putArray("nodes");
    nodes.forEach(n -> writeNode(nodeArray.addObject(), n));
    ArrayNode edgeArray = root.putArray("edges");
    edges.forEach(e -> edgeArray.addObject().put("source", e.source()).put("target", e.target()));
    return root.toString();
  }

  /** One node as the canonical JSON has it, e.g. a condition's {@code {"id":-1,"type":"condition",...}}. */
  public String nodeJson(long n) {
    return writeNode(JSON.createObjectNode(), n).toString();
  }

  private ObjectNode writeNode(ObjectNode node, long n) {
    node.put("id", n);
    Condition c = conditions.get(n);
    if (c != null) {
      node.put("type", "condition").put("name", c.name());
      if (c.when() != null) {
        node.put("when", c.when());
      } else {
        ObjectNode expect = node.putObject("expect");
        c.expect().forEach((parent, status) -> expect.put(Long.toString(parent), status));
      }
      ArrayNode then = node.putArray("then");
      c.then().forEach(then::add);
    }
    if (parameters.containsKey(n)) {
      node.put("parameters", parameters.get(n));
    }
    return node;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
