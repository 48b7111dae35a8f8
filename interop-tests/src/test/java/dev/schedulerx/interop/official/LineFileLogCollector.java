package dev.schedulerx.interop.official;

import com.alibaba.schedulerx.common.domain.StreamType;
import com.alibaba.schedulerx.worker.logcollector.LogCollector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The official worker's log collector in the interop JVMs, in place of its SLS one (the SchedulerX console's log
 * view): every line a script processor hands it is appended to {@value #FILE_PROPERTY} as {@code uniqueId TAB
 * line}, so a test reads what the official {@code ShellProcessor} collected. Plugged in through the worker's own
 * {@code log.collector.type} setting by {@link OfficialWorkerMain}.
 */
public final class LineFileLogCollector extends LogCollector {
  public static final String FILE_PROPERTY = "interop.collected-lines";

  private final Path file = Path.of(System.getProperty(FILE_PROPERTY));

  @Override
  public synchronized void collect(long appGroupId, String uniqueId, String line, Throwable error, StreamType type,
      boolean end) {
    if (line == null || line.equals(String.valueOf(LogCollector.END_OF_LOG))) {
      return;
    }
    try {
      Files.writeString(file, uniqueId + "\t" + line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
