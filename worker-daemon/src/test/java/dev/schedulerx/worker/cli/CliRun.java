package dev.schedulerx.worker.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** One command line run in-process with {@code --conf conf}: its exit code and what it printed. */
record CliRun(int exit, String out, String err) {
  static CliRun of(Path conf, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = WorkerCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("--conf", conf.toString()));
    all.addAll(List.of(args));
    int exit = cl.execute(all.toArray(String[]::new));
    return new CliRun(exit, out.toString(), err.toString());
  }
}
