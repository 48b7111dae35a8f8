package dev.schedulerx.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parameters of one OpenAPI request, as the SDKs send them: every value is text (OPENAPI.md §1.3), an unset
 * value may arrive empty, id lists arrive as JSON arrays. Typed getters refuse bad values with a {@link
 * OpenApiEndpoint.Refusal} naming the parameter.
 */
final class OpenApiParams {
  private final Map<String, String> values;
  private final ObjectMapper json;

  OpenApiParams(Map<String, String> values, ObjectMapper json) {
    this.values = values;
    this.json = json;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  /** The raw value, null when absent. */
  String raw(String name) {
    return values.get(name);
  }

  /** The value, or {@code fallback} when absent (an empty value is kept: the Java client sends unset text so). */
  String text(String name, String fallback) {
    return values.containsKey(name) ? values.get(name) : fallback;
  }

  /** The value, or null when absent or blank. */
  String nonBlank(String name) {
    String v = values.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  Long optionalLong(String name) {
    String v = nonBlank(name);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      // Gson-made numbers may carry ".0"
      if (v.endsWith(".0")) {
        return optionalLongOf(name, v.substring(0, v.length() - 2));
      }
      throw new OpenApiEndpoint.Refusal(400, name + " must be an integer, got \"" + abbreviate(v) + "\"");
    }
  }

  private static Long optionalLongOf(String name, String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new OpenApiEndpoint.Refusal(400, name + " must be an integer, got \"" + abbreviate(v) + "\"");
    }
  }

  long requiredLong(String name) {
    Long v = optionalLong(name);
    if (v == null) {
      throw new OpenApiEndpoint.Refusal(400, name + " is required");
    }
    return v;
  }

  /** The first of {@code names} present: operations and SDKs name the same id differently. */
  long requiredLong(String... names) {
    for (String name : names) {
      Long v = optionalLong(name);
      if (v != null) {
        return v;
      }
    }
    throw new OpenApiEndpoint.Refusal(400, names[0] + " is required");
  }

  Integer optionalInt(String name) {
    Long v = optionalLong(name);
    if (v != null && (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE)) {
      throw new OpenApiEndpoint.Refusal(400, name + " is out of range: " + v);
    }
    return v == null ? null : v.intValue();
  }

  int intOr(String name, int fallback) {
    Integer v = optionalInt(name);
    return v == null ? fallback : v;
  }

  /** true/false; null when absent or blank. */
  Boolean optionalBoolean(String name) {
    String v = nonBlank(name);
    if (v == null) {
      return null;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw new OpenApiEndpoint.Refusal(400, name + " must be true or false, got \"" + abbreviate(v) + "\"");
  }

  /**
   * A list of ids under the first present of {@code names}: a JSON array ({@code [3,4]}, the Java client) or a
   * comma list ({@code 3,4}). Refused when absent, empty or holding anything but integers.
   */
  List<Long> idList(String... names) {
    String name = null;
    String raw = null;
    for (String n : names) {
      if (nonBlank(n) != null) {
        name = n;
        raw = nonBlank(n);
        break;
      }
    }
    if (raw == null) {
      throw new OpenApiEndpoint.Refusal(400, names[0] + " is required, e.g. [1,2,3]");
    }
    List<Long> ids = new ArrayList<>();
    if (raw.startsWith("[")) {
      JsonNode array;
      try {
        array = json.readTree(raw);
      } catch (Exception e) {
        throw new OpenApiEndpoint.Refusal(400, name + " is not a JSON array of ids: " + abbreviate(raw));
      }
      if (array == null || !array.isArray()) {
        throw new OpenApiEndpoint.Refusal(400, name + " is not a JSON array of ids: " + abbreviate(raw));
      }
      for (JsonNode item : array) {
        if (!item.isValueNode()) {
          throw new OpenApiEndpoint.Refusal(400, name + " must hold job ids, got " + abbreviate(item.toString()));
        }
        ids.add(idOf(name, item.asText()));
      }
    } else {
      for (String part : raw.split(",")) {
        if (!part.isBlank()) {
          ids.add(idOf(name, part.strip()));
        }
      }
    }
    if (ids.isEmpty()) {
      throw new OpenApiEndpoint.Refusal(400, name + " is empty");
    }
    return ids;
  }

  private static long idOf(String name, String text) {
    try {
      String t = text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
      return Long.parseLong(t.replace("\"", "").strip());
    } catch (NumberFormatException e) {
      throw new OpenApiEndpoint.Refusal(400, name + " must hold job ids, got \"" + abbreviate(text) + "\"");
    }
  }

  /** A JSON object given as text, or null when absent, blank or the text {@code null} (fastjson's null). */
  JsonNode jsonObject(String name) {
    String v = nonBlank(name);
    if (v == null || v.equals("null")) {
      return null;
    }
    try {
      JsonNode node = json.readTree(v);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (Exception e) {
      // refused below
    }
    throw new OpenApiEndpoint.Refusal(400, name + " must be a JSON object, got " + abbreviate(v));
  }

  /** A JSON array given as text, or null when absent, blank or the text {@code null}. */
  JsonNode jsonArray(String name) {
    String v = nonBlank(name);
    if (v == null || v.equals("null")) {
      return null;
    }
    try {
      JsonNode node = json.readTree(v);
      if (node != null && node.isArray()) {
        return node;
      }
    } catch (Exception e) {
      // refused below
    }
    throw new OpenApiEndpoint.Refusal(400, name + " must be a JSON array, got " + abbreviate(v));
  }

  static String abbreviate(String s) {
    String one = s.replace('\n', ' ');
    return one.length() <= 80 ? one : one.substring(0, 80) + "...";
  }
}
