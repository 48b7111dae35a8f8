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
 */
public record Dag(List<Long> nodes, List<Edge> edges) {
  /** One dependency: {@code target} starts only after {@code source} succeeded (or was skipped). */
  public record Edge(long source, long target) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The graph without nodes, as a new workflow has it. */
  public static final Dag EMPTY = new Dag(List.of(), List.of());

  public Dag {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
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
    for (JsonNode n : nodeArray) {
      long id = id(n.isObject() ? (n.has("id") ? n.get("id") : n.get("jobId")) : n, "dagJson.nodes[].id");
      if (!nodes.add(id)) {
        throw new IllegalArgumentException("dagJson.nodes lists job " + id + " twice");
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
    Dag dag = new Dag(new ArrayList<>(nodes), new ArrayList<>(edges));
    dag.topologicalOrder(); // refuses cycles
    return dag;
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
    nodes.forEach(n -> nodeArray.addObject().put("id", n));
    ArrayNode edgeArray = root.putArray("edges");
    edges.forEach(e -> edgeArray.addObject().put("source", e.source()).put("target", e.target()));
    return root.toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
