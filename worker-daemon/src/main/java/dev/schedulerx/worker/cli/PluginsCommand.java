package dev.schedulerx.worker.cli;

import dev.schedulerx.worker.plugin.DirectoryPluginSource;
import dev.schedulerx.worker.plugin.PluginRegistry;
import dev.schedulerx.worker.plugin.LoadedProcessor;
import dev.schedulerx.worker.plugin.PluginReport;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code plugins}: the processors found in the plugins directory, and the JARs that failed. */
@Command(name = "plugins", mixinStandardHelpOptions = true, description = "List the processors found in the plugins directory and the JAR each came from.")
final class PluginsCommand extends ClientCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    try (PluginRegistry registry = new PluginRegistry(new DirectoryPluginSource(settings().pluginsDir()))) {
      PluginReport report = registry.load();
      String format = "%-20s %-50s %s%n";
      out().printf(format, "NAME", "CLASS", "JAR");
      report.processors().stream().sorted(Comparator.comparing(LoadedProcessor::name))
          .forEach(p -> out().printf(format, p.name(), p.className(), p.jar().getFileName()));
      report.problems().forEach(p -> err().println("problem: " + p.jar().getFileName() + ": " + p.reason()));
      return report.problems().isEmpty() ? WorkerCommand.OK : WorkerCommand.FAILED;
    }
  }
}
