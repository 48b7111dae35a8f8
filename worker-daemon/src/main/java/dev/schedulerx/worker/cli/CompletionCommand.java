package dev.schedulerx.worker.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code completion}: prints the bash completion script picocli generates for every command and option; zsh
 * runs it too (the script loads bashcompinit). Install: {@code source <(bin/schedulerx-worker completion)}.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = "Print a bash/zsh completion script. Install: source <(schedulerx-worker completion) in ~/.bashrc or ~/.zshrc")
final class CompletionCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(AutoComplete.bash("schedulerx-worker", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return WorkerCommand.OK;
  }
}
