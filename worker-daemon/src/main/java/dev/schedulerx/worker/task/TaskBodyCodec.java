package dev.schedulerx.worker.task;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sub-task bodies on the wire. They are written in Hessian 1, as the official Java worker writes them (it
 * reads nothing else), so our daemons and official Java workers can share a map job; a Java object goes as
 * a map typed by its class name. Reading takes Hessian and, from Go-style peers, JSON. {@code byte[]}
 * elements pass as they are.
 */
public final class TaskBodyCodec {
  /**
   * Made at the first body that needs JSON or bean conversion (both are immutable once configured), not when the
   * daemon starts: Jackson's class set-up (a date format, its calendar and locale data) was ~20 ms of the start.
   */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** How convertValue serializes: never wrapped in a root name. */
    static final ObjectWriter BEAN_WRITER = MAPPER.writer().without(SerializationFeature.WRAP_ROOT_VALUE);
  }

  /** Class names as Hessian writes them; kept with each class, so a plugin's loader is not held here. */
  private final ClassValue<byte[]> typeNames = new ClassValue<>() {
    @Override
    protected byte[] computeValue(Class<?> type) {
      return type.getName().getBytes(StandardCharsets.UTF_8);
    }
  };

  /** One shard of a {@code sharding} instance: the id and the parameter the job's parameters gave it. */
  public record Shard(long id, String parameter) {}

  /** The class an official Java worker reads a shard's body into. */
  private static final String SHARD_TYPE = "com.alibaba.schedulerx.worker.domain.ShardingTask";

  /** A shard's task body, as the official Java master writes it (Hessian, typed by its ShardingTask class). */
  public byte[] encodeShard(Shard shard) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("id", shard.id());
    fields.put("parameter", shard.parameter());
    return Hessian1.write(fields, SHARD_TYPE);
  }

  /** Reads a shard's task body: Hessian from Java masters, JSON {@code {"id":…,"parameter":…}} from Go ones. */
  public Shard decodeShard(byte[] body) {
    Object value;
    try {
      value = decode(body, Object.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("task body is not a shard: " + e.getMessage(), e);
    }
    if (!(value instanceof Map<?, ?> fields) || !(fields.get("id") instanceof Number id)) {
      throw new IllegalArgumentException("task body is not a shard (no numeric id)");
    }
    Object parameter = fields.get("parameter");
    return new Shard(id.longValue(), parameter == null ? "" : parameter.toString());
  }

  public byte[] encode(Object task) {
    if (task instanceof byte[] raw) {
      return raw;
    }
    try {
      if (task == null || task instanceof CharSequence || task instanceof Number || task instanceof Boolean
          || task instanceof Character) {
        return Hessian1.write(task, null);
      }
      if (task instanceof Map<?, ?> || task instanceof Iterable<?>) {
        return Hessian1.write(Json.MAPPER.convertValue(task, Object.class), null);
      }
      // A bean or record: its properties, typed by its class so a Java peer rebuilds the same class.
      return bean(task);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("task " + task.getClass().getName() + " cannot be encoded: " + e.getMessage(), e);
    }
  }

  /**
   * A bean as {@code convertValue(task, Map.class)} would make it, written straight from Jackson's tokens:
   * a map of a million beans skips a million maps.
   */
  private byte[] bean(Object task) {
    try (TokenBuffer tokens = new TokenBuffer(Json.MAPPER, false)) {
      Json.BEAN_WRITER.writeValue(tokens, task);
      try (JsonParser p = tokens.asParser()) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new IllegalArgumentException("not written as an object with properties");
        }
        return Hessian1.write(p, typeNames.get(task.getClass()));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  public <T> T decode(byte[] body, Class<T> type) {
    if (type == byte[].class) {
      return type.cast(body);
    }
    if (Hessian1.looksLikeHessian(body)) {
      Object value;
      try {
        value = Hessian1.read(body);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("task body cannot be read as Hessian: " + e.getMessage(), e);
      }
      if (value == null || type.isInstance(value)) {
        return type.cast(value);
      }
      try {
        return Json.MAPPER.convertValue(value, type);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("task body cannot be read as " + type.getName() + ": " + e.getMessage(), e);
      }
    }
    try {
      return Json.MAPPER.readValue(body, type);
    } catch (IOException e) {
      throw new UncheckedIOException("task body cannot be read as " + type.getName() + ": " + e.getMessage(), e);
    }
  }
}
