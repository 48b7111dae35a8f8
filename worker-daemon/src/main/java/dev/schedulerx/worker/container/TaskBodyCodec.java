package dev.schedulerx.worker.container;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Sub-task bodies on the wire are JSON, as the Go SDK writes them; {@code byte[]} elements pass as they are. */
public final class TaskBodyCodec {
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public byte[] encode(Object task) {
    if (task instanceof byte[] raw) {
      return raw;
    }
    try {
      return json.writeValueAsBytes(task);
    } catch (IOException e) {
      throw new IllegalArgumentException("task " + task.getClass().getName() + " cannot be encoded as JSON: " + e.getMessage(), e);
    }
  }

  public <T> T decode(byte[] body, Class<T> type) {
    if (type == byte[].class) {
      return type.cast(body);
    }
    try {
      return json.readValue(body, type);
    } catch (IOException e) {
      throw new UncheckedIOException("task body cannot be read as " + type.getName() + ": " + e.getMessage(), e);
    }
  }
}
