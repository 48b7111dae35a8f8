package dev.schedulerx.worker.cli;

import dev.schedulerx.worker.client.ServerApiClient;
import dev.schedulerx.worker.config.WorkerSettings;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Base of the subcommands that talk to the scheduler server the config points at. */
abstract class ClientCommand {
  @ParentCommand WorkerCommand parent;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "Print JSON (one document, or one per line for logs) for scripts, instead of text")
  boolean json;

  WorkerSettings settings() {
    return parent.settings();
  }

  ServerApiClient api() {
    WorkerSettings s = settings();
    return new ServerApiClient(s.serverHttpAddress(), s.groupId(), s.apiToken(), s.tls());
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** One JSON document on one line. */
  void printJson(Object value) {
    try {
      out().println(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage());
    }
    out().flush();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
