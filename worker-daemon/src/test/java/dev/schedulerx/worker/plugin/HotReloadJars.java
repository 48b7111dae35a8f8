package dev.schedulerx.worker.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Plugin JARs for the hot reload tests: a processor compiled from source with a chosen name and result, so
 * two versions of one class can be told apart. A processor's parameters may name a file to wait for, which
 * keeps an instance running until the test lets it finish (a null context: no gate).
 */
final class HotReloadJars {
    private HotReloadJars() {}

    /**
     * Writes a JAR with one processor {@code hot.<name>}, named {@code name}, whose result is {@code result};
     * it is built next to {@code target} and moved into place, as users are told to replace JARs.
     */
    static Path write(Path target, String name, String result) throws IOException {
        String source = """
                package hot;

                import dev.schedulerx.api.JobContext;
                import dev.schedulerx.api.JobProcessor;
                import dev.schedulerx.api.ProcessResult;
                import java.nio.file.Files;
                import java.nio.file.Path;

                public final class %1$s implements JobProcessor {
                    @Override
                    public String name() {
                        return "%1$s";
                    }

                    @Override
                    public ProcessResult process(JobContext context) throws Exception {
                        String gate = context == null ? "" : context.instanceParameters();
                        while (!gate.isEmpty() && !Files.exists(Path.of(gate))) {
                            Thread.sleep(10); // held open by the test until it creates the gate file
                        }
                        return ProcessResult.success("%2$s");
                    }
                }
                """.formatted(name, result);
        Path staging = Files.createDirectories(target.toAbsolutePath().getParent().resolveSibling("staging"));
        Path built = TestPluginJars.jar(Files.createTempFile(staging, name, ".jar"))
                .withCompiledSources(Map.of("hot." + name, source))
                .withServiceEntry("hot." + name)
                .build();
        return Files.move(built, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
