package dev.schedulerx.worker.task;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of Hessian 1.0 that the official SchedulerX Java worker writes map task bodies in (its
 * {@code HessianOutput}/{@code HessianInput}): null, booleans, int, long, double, date, strings, bytes,
 * lists, maps and Java objects (written as maps typed by class name), and back-references.
 *
 * <p>Reading yields plain Java values: Integer, Long, Double, Boolean, String, byte[], Long millis for dates,
 * List, and LinkedHashMap for maps and objects (the class name is dropped; callers bind maps to their own
 * types). Writing takes those plain values; {@code objectType} names the Java class a map stands for.
 */
final class Hessian1 {
  private Hessian1() {}

  /** True when {@code body} starts with a Hessian 1 value tag; JSON never starts with one of these. */
  static boolean looksLikeHessian(byte[] body) {
    if (body.length == 0) {
      return false;
    }
    return switch (body[0]) {
      case 'N', 'T', 'F', 'I', 'L', 'D', 'd', 'S', 's', 'B', 'b', 'V', 'M', 'R' -> true;
      default -> false;
    };
  }

  static Object read(byte[] body) {
    Reader reader = new Reader(body);
    Object value = reader.value();
    if (reader.pos != body.length) {
      throw new IllegalArgumentException("Hessian body has " + (body.length - reader.pos) + " bytes after its value");
    }
    return value;
  }

  private static final class Reader {
    private final byte[] in;
    private int pos;
    /** Maps and lists in the order they began, for 'R' back-references. */
    private final List<Object> refs = new ArrayList<>();

    Reader(byte[] in) {
      this.in = in;
    }

    private int u8() {
      if (pos >= in.length) {
        throw new IllegalArgumentException("Hessian body ends early at byte " + pos);
      }
      return in[pos++] & 0xff;
    }

    private int u16() {
      return (u8() << 8) | u8();
    }

    private int i32() {
      return (u8() << 24) | (u8() << 16) | (u8() << 8) | u8();
    }

    private long i64() {
      return ((long) i32() << 32) | (i32() & 0xffffffffL);
    }

    Object value() {
      int tag = u8();
      return switch (tag) {
        case 'N' -> null;
        case 'T' -> Boolean.TRUE;
        case 'F' -> Boolean.FALSE;
        case 'I' -> i32();
        case 'L' -> i64();
        case 'D' -> Double.longBitsToDouble(i64());
        case 'd' -> i64();
        case 'S', 's', 'X', 'x' -> string(tag);
        case 'B', 'b' -> bytes(tag);
        case 'V' -> list();
        case 'M' -> map();
        case 'R' -> {
          int ref = i32();
          if (ref < 0 || ref >= refs.size()) {
            throw new IllegalArgumentException("Hessian back-reference " + ref + " to nothing");
          }
          yield refs.get(ref);
        }
        default -> throw new IllegalArgumentException("unsupported Hessian tag '" + (char) tag + "' (0x"
            + Integer.toHexString(tag) + ") at byte " + (pos - 1));
      };
    }

    /** Chunks tagged lower-case continue; the upper-case one is the last. Lengths count UTF-16 chars. */
    private String string(int tag) {
      StringBuilder out = new StringBuilder();
      while (true) {
        int chars = u16();
        for (int i = 0; i < chars; i++) {
          int b = u8();
          if (b < 0x80) {
            out.append((char) b);
          } else if ((b & 0xe0) == 0xc0) {
            out.append((char) (((b & 0x1f) << 6) | (u8() & 0x3f)));
          } else if ((b & 0xf0) == 0xe0) {
            out.append((char) (((b & 0x0f) << 12) | ((u8() & 0x3f) << 6) | (u8() & 0x3f)));
          } else {
            throw new IllegalArgumentException("bad UTF-8 byte 0x" + Integer.toHexString(b) + " in Hessian string");
          }
        }
        if (tag == 'S' || tag == 'X') {
          return out.toString();
        }
        tag = u8();
      }
    }

    private byte[] bytes(int tag) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (true) {
        int length = u16();
        if (pos + length > in.length) {
          throw new IllegalArgumentException("Hessian bytes run past the body's end");
        }
        out.write(in, pos, length);
        pos += length;
        if (tag == 'B') {
          return out.toByteArray();
        }
        tag = u8();
      }
    }

    private void skipType() {
      if (pos < in.length && in[pos] == 't') {
        pos++;
        int length = u16();
        pos += length;
      }
    }

    private List<Object> list() {
      skipType();
      if (pos < in.length && in[pos] == 'l') {
        pos++;
        i32(); // the length is a hint; 'z' ends the list
      }
      List<Object> list = new ArrayList<>();
      refs.add(list);
      while (peek() != 'z') {
        list.add(value());
      }
      pos++;
      return list;
    }

    private Map<Object, Object> map() {
      skipType();
      Map<Object, Object> map = new LinkedHashMap<>();
      refs.add(map);
      while (peek() != 'z') {
        Object key = value();
        map.put(key, value());
      }
      pos++;
      return map;
    }

    private int peek() {
      if (pos >= in.length) {
        throw new IllegalArgumentException("Hessian list or map not closed");
      }
      return in[pos] & 0xff;
    }
  }

  /** Writes a plain value; a {@code Map} is written typed by {@code objectType} when that is not null. */
  static byte[] write(Object value, String objectType) {
    Writer writer = new Writer();
    writer.value(value, objectType == null ? null : objectType.getBytes(StandardCharsets.UTF_8));
    return writer.out.toByteArray();
  }

  /**
   * Writes the value a Jackson parser is positioned on (its current token), as {@link #write} writes what
   * {@code ObjectMapper.convertValue(value, Object.class)} makes of it, without building those maps and
   * lists; an object at the top is typed by {@code objectType} (UTF-8) when that is not null.
   */
  static byte[] write(JsonParser tokens, byte[] objectType) throws IOException {
    Writer writer = new Writer();
    writer.tokens(tokens, objectType);
    return writer.out.toByteArray();
  }

  /**
   * A growable byte array without {@link ByteArrayOutputStream}'s per-byte locking: bodies are written
   * a byte at a time, a million of them for a big map.
   */
  private static final class Bytes {
    private byte[] buf = new byte[128];
    private int size;

    void write(int b) {
      if (size == buf.length) {
        buf = Arrays.copyOf(buf, size * 2);
      }
      buf[size++] = (byte) b;
    }

    void write(byte[] b, int off, int len) {
      if (size + len > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + len));
      }
      System.arraycopy(b, off, buf, size, len);
      size += len;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, size);
    }
  }

  private static final class Writer {
    final Bytes out = new Bytes();

    private void u16(int v) {
      out.write(v >>> 8);
      out.write(v);
    }

    private void i32(int v) {
      out.write(v >>> 24);
      out.write(v >>> 16);
      out.write(v >>> 8);
      out.write(v);
    }

    private void i64(long v) {
      i32((int) (v >>> 32));
      i32((int) v);
    }

    /** The value starting at the parser's current token; numbers and embedded objects as convertValue yields them. */
    void tokens(JsonParser p, byte[] objectType) throws IOException {
      JsonToken token = p.currentToken();
      if (token == null) {
        throw new IllegalArgumentException("no value to write");
      }
      switch (token) {
        case START_OBJECT -> {
          out.write('M');
          if (objectType != null) {
            type(objectType);
          }
          for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            string(p.currentName());
            p.nextToken();
            tokens(p, null);
          }
          out.write('z');
        }
        case START_ARRAY -> {
          out.write('V');
          for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            tokens(p, null);
          }
          out.write('z');
        }
        case VALUE_STRING -> string(p.getText());
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> value(p.getNumberValue(), null);
        case VALUE_TRUE -> out.write('T');
        case VALUE_FALSE -> out.write('F');
        case VALUE_NULL -> out.write('N');
        case VALUE_EMBEDDED_OBJECT -> value(p.getEmbeddedObject(), null);
        default -> throw new IllegalArgumentException("unexpected token " + token);
      }
    }

    void value(Object value, byte[] objectType) {
      if (value == null) {
        out.write('N');
      } else if (value instanceof Boolean b) {
        out.write(b ? 'T' : 'F');
      } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
        out.write('I');
        i32(((Number) value).intValue());
      } else if (value instanceof Long l) {
        out.write('L');
        i64(l);
      } else if (value instanceof Double || value instanceof Float) {
        out.write('D');
        i64(Double.doubleToLongBits(((Number) value).doubleValue()));
      } else if (value instanceof CharSequence || value instanceof Character || value instanceof Number) {
        string(value.toString()); // BigInteger, BigDecimal: as text
      } else if (value instanceof byte[] bytes) {
        int start = 0;
        do {
          int end = Math.min(bytes.length, start + 0x8000);
          out.write(end == bytes.length ? 'B' : 'b');
          u16(end - start);
          out.write(bytes, start, end - start);
          start = end;
        } while (start < bytes.length);
      } else if (value instanceof Map<?, ?> map) {
        out.write('M');
        if (objectType != null) {
          type(objectType);
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          value(entry.getKey(), null);
          value(entry.getValue(), null);
        }
        out.write('z');
      } else if (value instanceof Iterable<?> items) {
        out.write('V');
        for (Iterator<?> it = items.iterator(); it.hasNext(); ) {
          value(it.next(), null);
        }
        out.write('z');
      } else {
        throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as Hessian");
      }
    }

    private void type(byte[] utf8) {
      out.write('t');
      u16(utf8.length);
      out.write(utf8, 0, utf8.length);
    }

    /** Chunks of at most 0x8000 chars; each char (UTF-16 unit) as 1-3 bytes, as Hessian's writer does. */
    private void string(String s) {
      int start = 0;
      do {
        int end = Math.min(s.length(), start + 0x8000);
        out.write(end == s.length() ? 'S' : 's');
        u16(end - start);
        for (int i = start; i < end; i++) {
          char c = s.charAt(i);
          if (c < 0x80) {
            out.write(c);
          } else if (c < 0x800) {
            out.write(0xc0 | (c >> 6));
            out.write(0x80 | (c & 0x3f));
          } else {
            out.write(0xe0 | (c >> 12));
            out.write(0x80 | ((c >> 6) & 0x3f));
            out.write(0x80 | (c & 0x3f));
          }
        }
        start = end;
      } while (start < s.length());
    }
  }
}
