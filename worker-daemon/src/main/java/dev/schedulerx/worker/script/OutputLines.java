package dev.schedulerx.worker.script;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a script's output into lines without ever holding more than a few kilobytes of it: each line
 * passed on is cut to {@link #MAX_LINE_BYTES}, lines stop being passed on once {@code cap} bytes were, and
 * the rest is read and dropped (so the script never blocks on a full pipe). The last line is remembered
 * whatever the cap, cut to {@link #MAX_LAST_LINE_BYTES}, as the official worker keeps it for the result.
 */
final class OutputLines {
  /** A line in the instance log is cut here. */
  static final int MAX_LINE_BYTES = 8 * 1024;
  /** The official worker keeps the first 1,000 bytes of the last line as a failed run's result. */
  static final int MAX_LAST_LINE_BYTES = 1000;

  private final long cap;
  private final Consumer<String> sink;
  private long passedBytes;
  private long droppedBytes;
  private String lastLine;

  /**
   * @param cap bytes of output (line contents plus one per line end) passed to {@code sink} at most
   * @param sink receives each kept line, without its line end
   */
  OutputLines(long cap, Consumer<String> sink) {
    this.cap = cap;
    this.sink = sink;
  }

  /** Reads {@code in} to its end. */
  void readAll(InputStream in) throws IOException {
    byte[] chunk = new byte[8192];
    byte[] line = new byte[MAX_LINE_BYTES];
    int kept = 0; // bytes of the current line in `line`
    long length = 0; // full length of the current line
    boolean any = false; // current line has begun
    int n;
    while ((n = in.read(chunk)) != -1) {
      for (int i = 0; i < n; i++) {
        byte b = chunk[i];
        if (b == '\n') {
          endLine(line, kept, length);
          kept = 0;
          length = 0;
          any = false;
        } else {
          any = true;
          if (kept < MAX_LINE_BYTES) {
            line[kept++] = b;
          }
          length++;
        }
      }
    }
    if (any) {
      endLine(line, kept, length);
    }
  }

  private void endLine(byte[] line, int kept, long length) {
    int end = kept > 0 && line[kept - 1] == '\r' && kept == length ? kept - 1 : kept;
    lastLine = decode(line, Math.min(end, MAX_LAST_LINE_BYTES));
    long size = length + 1;
    if (droppedBytes == 0 && passedBytes + size <= cap) { // once one line is dropped, so is the rest
      passedBytes += size;
      String text = decode(line, end);
      sink.accept(length > kept ? text + " [line cut at " + MAX_LINE_BYTES + " bytes]" : text);
    } else {
      droppedBytes += size;
    }
  }

  /** UTF-8 of the first {@code length} bytes, not ending inside a character. */
  private static String decode(byte[] bytes, int length) {
    int end = length;
    int start = end; // step back over continuation bytes: is a character cut at `end`?
    while (start > 0 && end - start < 3 && (bytes[start - 1] & 0xC0) == 0x80) {
      start--;
    }
    if (start > 0 && start < end) {
      int lead = bytes[start - 1] & 0xFF;
      int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
      if (end - (start - 1) < need) {
        end = start - 1;
      }
    } else if (start > 0 && start == end && (bytes[end - 1] & 0xC0) == 0xC0) {
      end--; // a lead byte without its continuation
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  /** The output's last line (possibly empty), or null if there was no output. */
  String lastLine() {
    return lastLine;
  }

  /** Bytes read but not passed on because of the cap. */
  long droppedBytes() {
    return droppedBytes;
  }
}
