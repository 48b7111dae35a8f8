package dev.schedulerx.worker.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.worker.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PluginRegistry#rescan()} against a real plugins directory with real JARs: each scan is called
 * directly, so the tests control exactly which scans see which files.
 */
class PluginHotReloadTest {
    @TempDir
    Path dir;

    private Path plugins;
    private PluginRegistry registry;
    private final ProcessorInvoker invoker = new ProcessorInvoker();

    @BeforeEach
    void emptyPluginsDir() throws IOException {
        plugins = Files.createDirectories(dir.resolve("plugins"));
    }

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private PluginRegistry load() {
        registry = new PluginRegistry(new DirectoryPluginSource(plugins));
        registry.load();
        return registry;
    }

    private String run(String name) {
        LoadedProcessor processor = registry.find(name).orElseThrow();
        ProcessResult result = invoker.invoke(processor, p -> p.process(null));
        return result.result();
    }

    @Test
    void anAddedJarIsLoadedOnceItStayedTheSameForOneScan() throws IOException {
        load();
        HotReloadJars.write(plugins.resolve("greeter.jar"), "Greeter", "v1");

        try (LogCapture log = LogCapture.of(PluginRegistry.class)) {
            registry.rescan();
            assertThat(registry.find("Greeter")).as("first sight: the JAR may still be written").isEmpty();

            registry.rescan();
            assertThat(run("Greeter")).isEqualTo("v1");
            assertThat(log.messages(Level.INFO)).containsExactly("loaded plugin greeter.jar: Greeter");
        }
    }

    @Test
    void aJarThatKeepsChangingIsNotLoaded() throws IOException {
        load();
        Path jar = plugins.resolve("growing.jar");
        Files.write(jar, new byte[] {'P', 'K'});
        registry.rescan();
        Files.write(jar, new byte[] {'P', 'K', 3, 4});

        registry.rescan();

        assertThat(registry.report().problems()).as("not read while it grows").isEmpty();
    }

    @Test
    void aReplacedJarIsReloadedOnlyAfterItsLeaseIsClosedAndTheOldLoaderIsClosedThen() throws Exception {
        HotReloadJars.write(plugins.resolve("greeter.jar"), "Greeter", "v1");
        load();
        PluginRegistry.Lease running = registry.acquire("Greeter");
        ClassLoader oldLoader = running.processor().orElseThrow().classLoader();

        HotReloadJars.write(plugins.resolve("greeter.jar"), "Greeter", "v2");
        try (LogCapture log = LogCapture.of(PluginRegistry.class)) {
            registry.rescan();
            registry.rescan();
            registry.rescan();
            assertThat(run("Greeter")).as("an instance still runs v1").isEqualTo("v1");
            assertThat(log.messages(Level.INFO)).as("announced once")
                    .containsExactly("plugin greeter.jar changed on disk: reload once its 1 running instance(s) or task(s) finish");

            running.close();
            registry.rescan();

            assertThat(run("Greeter")).isEqualTo("v2");
            assertThat(registry.find("Greeter").orElseThrow().classLoader()).isNotSameAs(oldLoader);
            assertThat(log.messages(Level.INFO)).last().isEqualTo("reloaded plugin greeter.jar: Greeter (was: Greeter)");
        }
        // a closed URLClassLoader finds no more classes
        assertThat(((PluginClassLoader) oldLoader).findResource("hot/Greeter.class")).isNull();
    }

    @Test
    void aRemovedJarsProcessorsDisappearAndItsLoaderIsClosed() throws IOException {
        HotReloadJars.write(plugins.resolve("greeter.jar"), "Greeter", "v1");
        HotReloadJars.write(plugins.resolve("other.jar"), "Other", "o");
        load();
        ClassLoader loader = registry.find("Greeter").orElseThrow().classLoader();

        Files.delete(plugins.resolve("greeter.jar"));
        try (LogCapture log = LogCapture.of(PluginRegistry.class)) {
            registry.rescan();
            registry.rescan();

            assertThat(registry.find("Greeter")).isEmpty();
            assertThat(registry.find("hot.Greeter")).isEmpty();
            assertThat(registry.processors()).extracting(LoadedProcessor::name).containsExactly("Other");
            assertThat(log.messages(Level.INFO)).containsExactly("unloaded plugin greeter.jar: Greeter (its JAR was removed)");
        }
        assertThat(((PluginClassLoader) loader).findResource("hot/Greeter.class")).isNull();
    }

    @Test
    void aBrokenNewVersionIsReportedOnceAndTheLoadedOneStaysInService() throws IOException {
        HotReloadJars.write(plugins.resolve("greeter.jar"), "Greeter", "v1");
        load();

        TestPluginJars.corrupt(dir.resolve("broken.jar"));
        Files.move(dir.resolve("broken.jar"), plugins.resolve("greeter.jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (LogCapture log = LogCapture.of(PluginRegistry.class)) {
            for (int i = 0; i < 4; i++) {
                registry.rescan();
            }
            assertThat(run("Greeter")).isEqualTo("v1");
            assertThat(log.messages(Level.WARN)).hasSize(2).allMatch(line -> line.startsWith("plugin greeter.jar"));
            assertThat(log.messages(Level.WARN).get(1)).contains("the loaded one stays in service");
            assertThat(registry.report().problems()).singleElement()
                    .satisfies(problem -> assertThat(problem.reason()).contains("not a valid JAR"));
        }
    }

    @Test
    void aBrokenAddedJarDoesNotDisturbTheLoadedOnes() throws IOException {
        HotReloadJars.write(plugins.resolve("greeter.jar"), "Greeter", "v1");
        load();

        TestPluginJars.corrupt(plugins.resolve("bad.jar"));
        registry.rescan();
        registry.rescan();

        assertThat(run("Greeter")).isEqualTo("v1");
        assertThat(registry.report().problems()).extracting(p -> p.jar().getFileName().toString()).containsExactly("bad.jar");
    }
}
