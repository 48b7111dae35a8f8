package dev.schedulerx.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A resolved configuration tree kept in a file as plain values (objects, lists, strings, numbers, booleans, nulls),
 * with a description of what it was made from at its head. Reading it back builds the same tree without
 * Typesafe-config's parser: parsing the merged reference configuration of a daemon's class path, even as one HOCON
 * file without comments, was a tenth of its start on the main thread. Where each value was written (file and line)
 * is not kept: the tree's origin is {@link #ORIGIN}.
 */
final class ReferenceTree {
  static final String ORIGIN = "reference.conf of the class path (merged)";
  private static final int MAGIC = 0x53585231; // "SXR1"
  /** Larger counts (of entries, of a text's bytes) are taken for a damaged file. */
  private static final int MAX_COUNT = 16 << 20;

  private static final byte OBJECT = 'o';
  private static final byte LIST = 'l';
  private static final byte STRING = 's';
  private static final byte TRUE = 't';
  private static final byte FALSE = 'f';
  private static final byte NULL = 'n';
  private static final byte INT = 'i';
  private static final byte LONG = 'j';
  private static final byte DOUBLE = 'd';

  private ReferenceTree() {}

  /** Writes {@code tree} (resolved) to {@code file} under {@code madeFrom}. */
  static void write(Path file, String madeFrom, Config tree) throws IOException {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
      out.writeInt(MAGIC);
      writeText(out, madeFrom);
      writeValue(out, tree.root());
    }
  }

  /**
   * The tree kept in {@code file} when it was made from {@code madeFrom}; null when the file is missing, was made from
   * something else, or cannot be read (cut short by a full disk, written by another version): it is then made again.
   */
  static Config read(Path file, String madeFrom) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      if (in.readInt() != MAGIC || !readText(in).equals(madeFrom) || !(readValue(in) instanceof Map<?, ?> root)) {
        return null;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> values = (Map<String, Object>) root;
      return ConfigValueFactory.fromMap(values, ORIGIN).toConfig();
    } catch (IOException e) {
      return null;
    }
  }

  private static void writeValue(DataOutputStream out, ConfigValue value) throws IOException {
    switch (value.valueType()) {
      case OBJECT -> {
        ConfigObject object = (ConfigObject) value;
        out.writeByte(OBJECT);
        out.writeInt(object.size());
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
          writeText(out, entry.getKey());
          writeValue(out, entry.getValue());
        }
      }
      case LIST -> {
        ConfigList list = (ConfigList) value;
        out.writeByte(LIST);
        out.writeInt(list.size());
        for (ConfigValue element : list) {
          writeValue(out, element);
        }
      }
      case STRING -> {
        out.writeByte(STRING);
        writeText(out, (String) value.unwrapped());
      }
      case BOOLEAN -> out.writeByte((Boolean) value.unwrapped() ? TRUE : FALSE);
      case NULL -> out.writeByte(NULL);
      case NUMBER -> {
        Object number = value.unwrapped();
        if (number instanceof Integer i) {
          out.writeByte(INT);
          out.writeInt(i);
        } else if (number instanceof Long l) {
          out.writeByte(LONG);
          out.writeLong(l);
        } else {
          out.writeByte(DOUBLE);
          out.writeDouble(((Number) number).doubleValue());
        }
      }
    }
  }

  private static Object readValue(DataInputStream in) throws IOException {
    byte tag = in.readByte();
    return switch (tag) {
      case OBJECT -> readObject(in);
      case LIST -> readList(in);
      case STRING -> readText(in);
      case TRUE -> Boolean.TRUE;
      case FALSE -> Boolean.FALSE;
      case NULL -> null;
      case INT -> in.readInt();
      case LONG -> in.readLong();
      case DOUBLE -> in.readDouble();
      default -> throw new IOException("unknown value tag " + tag);
    };
  }

  private static Map<String, Object> readObject(DataInputStream in) throws IOException {
    int size = readCount(in);
    Map<String, Object> object = new HashMap<>(size * 2);
    for (int i = 0; i < size; i++) {
      String key = readText(in);
      object.put(key, readValue(in));
    }
    return object;
  }

  private static List<Object> readList(DataInputStream in) throws IOException {
    int size = readCount(in);
    List<Object> list = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      list.add(readValue(in));
    }
    return list;
  }

  /** A count of entries, or bytes of a text; one that cannot be is taken for a damaged file rather than allocated. */
  private static int readCount(DataInputStream in) throws IOException {
    int count = in.readInt();
    if (count < 0 || count > MAX_COUNT) {
      throw new IOException("a count of " + count);
    }
    return count;
  }

  /** Length and UTF-8 bytes: DataOutput's own strings stop at 64 KB, which a long class path's description can pass. */
  private static void writeText(DataOutputStream out, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readText(DataInputStream in) throws IOException {
    byte[] bytes = new byte[readCount(in)];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
