package dev.schedulerx.worker.cli;

import dev.schedulerx.worker.plugin.DirectoryPluginSource;
import dev.schedulerx.worker.plugin.PluginRegistry;
import dev.schedulerx.worker.plugin.LoadedProcessor;
import dev.schedulerx.worker.plugin.PluginReport;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code plugins}: the processors found in the plugins directory now, and the JARs that failed. It reads the
 * directory itself, so it shows a JAR just added, replaced or removed; a running daemon applies the same
 * change within two {@code plugins-scan-interval}s (a replaced or removed JAR once its running instances end).
 */
@Command(name = "plugins", mixinStandardHelpOptions = true, description = {
    "List the processors found in the plugins directory now and the JAR each came from.",
    "A running daemon picks up added, replaced and removed JARs within two schedulerx.worker.plugins-scan-interval (2s)."})
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
