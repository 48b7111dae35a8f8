package dev.schedulerx.worker.plugin;

import ch.qos.logback.classic.Level;
import dev.schedulerx.worker.testing.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.schedulerx.api.BroadcastProcessor;
import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.worker.plugin.testplugins.ContextLoaderProbe;
import dev.schedulerx.worker.plugin.testplugins.DaemonClassProbe;
import dev.schedulerx.worker.plugin.testplugins.FailingProcessor;
import dev.schedulerx.worker.plugin.testplugins.NullResultProcessor;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessorInvokerTest {
    @TempDir
    Path plugins;

    private final ProcessorInvoker invoker = new ProcessorInvoker();
    private PluginRegistry registry;

    @BeforeEach
    void loadTestPlugin() throws IOException {
        TestPluginJars.jar(plugins.resolve("probes.jar"))
                .withProcessors(ContextLoaderProbe.class, FailingProcessor.class, NullResultProcessor.class)
                .build();
        registry = new PluginRegistry(new DirectoryPluginSource(plugins));
        registry.load();
    }

    @AfterEach
    void close() {
        registry.close();
    }

    private LoadedProcessor processor(String name) {
        return registry.find(name).orElseThrow();
    }

    @Test
    void contextClassLoaderIsThePluginsDuringTheCallAndRestoredAfter() {
        LoadedProcessor probe = processor("ContextLoaderProbe");
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        AtomicReference<ClassLoader> seen = new AtomicReference<>();

        ProcessResult result = invoker.invoke(probe, p -> {
            seen.set(Thread.currentThread().getContextClassLoader());
            return p.process(null);
        });

        assertThat(seen.get()).isSameAs(probe.classLoader()).isInstanceOf(PluginClassLoader.class);
        assertThat(result).isEqualTo(ProcessResult.success("tccl is the plugin loader"));
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
    }

    @Test
    void contextClassLoaderIsRestoredWhenTheProcessorThrows() {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        invoker.invoke(processor("FailingProcessor"), p -> p.process(null));
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
    }

    @Test
    void onlyTheFirstFailureOfAKindCarriesAStackTraceInTheLog() {
        try (LogCapture log = LogCapture.of(ProcessorInvoker.class)) {
            for (int i = 0; i < 3; i++) {
                invoker.invoke(processor("FailingProcessor"), p -> p.process(null));
            }
            var warnings = log.events(Level.WARN);
            assertThat(warnings).hasSize(3);
            assertThat(warnings.get(0).getThrowableProxy()).as("first failure").isNotNull();
            assertThat(warnings.subList(1, 3)).allSatisfy(w -> assertThat(w.getThrowableProxy()).isNull());
            assertThat(warnings).allSatisfy(w -> assertThat(w.getFormattedMessage()).contains("failed on purpose"));
        }
    }

    @Test
    void throwingProcessorYieldsFailedWithTheMessage() {
        ProcessResult result = invoker.invoke(processor("FailingProcessor"), p -> p.process(null));
        assertThat(result).isEqualTo(ProcessResult.failure("failed on purpose"));
    }

    @Test
    void nullResultYieldsFailed() {
        ProcessResult result = invoker.invoke(processor("NullResultProcessor"), p -> p.process(null));
        assertThat(result).isEqualTo(ProcessResult.failure("processor returned no result"));
    }

    @Test
    void nullIsKeptWhereItMeansKeepTheOutcome() {
        assertThat(invoker.invokeAllowingNoResult(processor("NullResultProcessor"), p -> p.process(null))).isEmpty();
        assertThat(invoker.invokeAllowingNoResult(processor("FailingProcessor"), p -> p.process(null)))
                .contains(ProcessResult.failure("failed on purpose"));
    }

    @Test
    void failureTextFollowsTheDocumentedRule() {
        LoadedProcessor any = processor("ContextLoaderProbe");
        assertThat(invoker.invoke(any, p -> { throw new UnsupportedOperationException(); }).result())
                .isEqualTo("UnsupportedOperationException");
        assertThat(invoker.invoke(any, p -> { throw new java.io.IOException("  disk full "); }).result())
                .isEqualTo("disk full");
        assertThat(invoker.invoke(any, p -> { throw new NoClassDefFoundError("com/acme/Missing"); }).result())
                .isEqualTo("NoClassDefFoundError: com/acme/Missing");
        assertThat(invoker.invoke(any, p -> { throw new StackOverflowError(); }).status())
                .isEqualTo(InstanceStatus.FAILED);
        assertThat(invoker.invoke(any, p -> { throw new IllegalStateException("x".repeat(5000)); }).result())
                .hasSize(993);
    }

    @Test
    void fatalErrorsAreRethrown() {
        LoadedProcessor any = processor("ContextLoaderProbe");
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        assertThatExceptionOfType(OutOfMemoryError.class)
                .isThrownBy(() -> invoker.invoke(any, p -> { throw new OutOfMemoryError("test"); }));
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
    }

    @Test
    void interruptionFailsTheCallAndKeepsTheInterruptFlag() {
        ProcessResult result = invoker.invoke(processor("ContextLoaderProbe"), p -> {
            throw new InterruptedException("stopped");
        });
        try {
            assertThat(result).isEqualTo(ProcessResult.failure("stopped"));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted(); // clear the flag for the next test
        }
    }

    @Test
    void hooksAndQueries() {
        LoadedProcessor any = processor("ContextLoaderProbe");
        assertThat(invoker.run(any, p -> p.kill(null))).isEqualTo(ProcessResult.success());
        assertThat(invoker.run(any, p -> { throw new IllegalStateException("no kill"); }))
                .isEqualTo(ProcessResult.failure("no kill"));
        assertThat(invoker.ask(any, JobProcessor::name, "fallback")).isEqualTo("ContextLoaderProbe");
        assertThat(invoker.ask(any, p -> { throw new IllegalStateException(); }, Boolean.TRUE)).isTrue();
        assertThat(invoker.ask(any, p -> null, Boolean.TRUE)).isTrue();
    }

    @Test
    void worksWithProcessorsOutsideARegistry() throws IOException {
        // e.g. a caller that wraps a processor of its own; any loader becomes the TCCL
        try (URLClassLoader loader = new URLClassLoader(new URL[0])) {
            BroadcastProcessor post = new BroadcastProcessor() {
                @Override
                public ProcessResult process(JobContext context) {
                    return ProcessResult.success();
                }

                @Override
                public ProcessResult postProcess(JobContext context) {
                    return ProcessResult.success(
                            Thread.currentThread().getContextClassLoader() == loader ? "tccl ok" : "tccl wrong");
                }
            };
            LoadedProcessor loaded = new LoadedProcessor("post", "Post", post, loader, plugins.resolve("none.jar"));
            Optional<ProcessResult> result =
                    invoker.invokeAllowingNoResult(loaded, p -> ((BroadcastProcessor) p).postProcess(null));
            assertThat(result).contains(ProcessResult.success("tccl ok"));
        }
    }

    @Test
    void processorCodeResolvesDaemonClassNamesToThePluginsOwnCopy(@TempDir Path isolated) throws IOException {
        TestPluginJars.jar(isolated.resolve("isolated.jar"))
                .withProcessors(DaemonClassProbe.class)
                .withCompiledSources(Map.of("picocli.CommandLine", "package picocli; public class CommandLine {}"))
                .build();
        try (PluginRegistry own = new PluginRegistry(new DirectoryPluginSource(isolated))) {
            own.load();
            LoadedProcessor probe = own.find("DaemonClassProbe").orElseThrow();
            assertThat(invoker.invoke(probe, p -> p.process(null))).isEqualTo(ProcessResult.success("plugin copy"));
            assertThat(own.report().problems()).isEmpty();
            assertThat(List.of(probe.processor().getClass().getInterfaces())).containsExactly(JobProcessor.class);
        }
    }
}
