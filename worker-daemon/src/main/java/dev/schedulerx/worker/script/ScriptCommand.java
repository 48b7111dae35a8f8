package dev.schedulerx.worker.script;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.api.JobContext;
import java.util.ArrayList;
import java.util.List;

/**
 * How a script job's content becomes a command line, as the official worker (1.11.4) builds it:
 *
 * <ul>
 *   <li>shell: {@code [command or /bin/sh] -c <content> <args…>}, so the first argument is the script's
 *       {@code $0};
 *   <li>python: {@code [arch -<arch>] [command or python] <source file> <args…>}, the source being the content
 *       after a {@code # -*- coding: utf-8 -*-} line;
 *   <li>go: {@code go run <source file> <args…>}.
 * </ul>
 *
 * {@code command} and {@code arch} come from the job's xattrs ({@code ScriptJobXAttrs}). In the content
 * {@code #{schedule.timestamp}} and {@code #{data.timestamp}} become the schedule time in epoch milliseconds
 * (both of them: the official worker fills data.timestamp with the schedule time too); other {@code #{…}}
 * stay as written. The arguments are, in this order of preference: a shard's id and parameter, the run's
 * parameters split at each space, the job's parameters split likewise.
 */
record ScriptCommand(String type, String interpreter, List<String> prefix, String source, List<String> args) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String SHELL = "shell";
  static final String PYTHON = "python";
  static final String GO = "go";

  ScriptCommand {
    prefix = List.copyOf(prefix);
    args = List.copyOf(args);
  }

  /** Builds the command of a {@code type} job; {@code source} is the content with placeholders replaced. */
  static ScriptCommand of(String type, String content, String xattrs, JobContext context) {
    String source = placeholders(content, context.scheduleTime().toEpochMilli());
    List<String> args = arguments(context);
    String command = xattr(xattrs, "command");
    switch (type) {
      case SHELL:
        return new ScriptCommand(type, command.isBlank() ? "/bin/sh" : command, List.of(), source, args);
      case PYTHON:
        String arch = xattr(xattrs, "arch");
        return new ScriptCommand(
            type, command.isBlank() ? "python" : command, arch.isBlank() ? List.of() : List.of("arch", "-" + arch),
            "# -*- coding: utf-8 -*-" + System.lineSeparator() + source, args);
      case GO:
        return new ScriptCommand(type, "go", List.of(), source, args);
      default:
        throw new IllegalArgumentException("job type " + type + " is not a script type (shell, python, go)");
    }
  }

  /** Whether the source goes into a file (python, go) rather than onto the command line (shell). */
  boolean needsFile() {
    return !SHELL.equals(type);
  }

  /** File name suffix of the source file. */
  String fileSuffix() {
    return PYTHON.equals(type) ? ".py" : ".go";
  }

  /** The command line; {@code file} is where the source was written (ignored for shell). */
  List<String> commandLine(String file) {
    List<String> line = new ArrayList<>(prefix);
    line.add(interpreter);
    if (SHELL.equals(type)) {
      line.add("-c");
      line.add(source);
    } else {
      if (GO.equals(type)) {
        line.add("run");
      }
      line.add(file);
    }
    line.addAll(args);
    return line;
  }

  static String placeholders(String content, long scheduleMillis) {
    String millis = Long.toString(scheduleMillis);
    return content == null ? "" : content.replace("#{schedule.timestamp}", millis).replace("#{data.timestamp}", millis);
  }

  static List<String> arguments(JobContext context) {
    String shard = context.shardingParameter();
    if (shard != null && !shard.isEmpty()) {
      return List.of(Long.toString(context.shardingId()), shard);
    }
    String run = context.instanceParameters();
    String parameters = run != null && !run.isEmpty() ? run : context.jobParameters() == null ? "" : context.jobParameters();
    return List.of(parameters.trim().split(" "));
  }

  /** A field of the job's xattrs JSON, or "" when absent or the xattrs are not JSON. */
  static String xattr(String xattrs, String field) {
    if (xattrs == null || xattrs.isBlank()) {
      return "";
    }
    try {
      JsonNode node = JSON.readTree(xattrs);
      return node == null ? "" : node.path(field).asText("");
    } catch (Exception e) {
      return "";
    }
  }
}
