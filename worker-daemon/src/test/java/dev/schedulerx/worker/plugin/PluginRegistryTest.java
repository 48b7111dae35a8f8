package dev.schedulerx.worker.plugin;

import dev.schedulerx.worker.testing.LogCapture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.schedulerx.worker.plugin.PluginReport.Problem;
import dev.schedulerx.worker.plugin.testplugins.EchoImpostorProcessor;
import dev.schedulerx.worker.plugin.testplugins.EchoProcessor;
import dev.schedulerx.worker.plugin.testplugins.LibraryHelper;
import dev.schedulerx.worker.plugin.testplugins.LibraryUser;
import dev.schedulerx.worker.plugin.testplugins.SecondProcessor;
import dev.schedulerx.worker.plugin.testplugins.ThrowingConstructorProcessor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRegistryTest {
    @TempDir
    Path plugins;

    private final List<PluginRegistry> registries = new ArrayList<>();

    @AfterEach
    void closeRegistries() {
        registries.forEach(PluginRegistry::close);
    }

    private PluginRegistry registry(PluginSource source) {
        PluginRegistry registry = new PluginRegistry(source);
        registries.add(registry);
        return registry;
    }

    private PluginRegistry loadDirectory() {
        PluginRegistry registry = registry(new DirectoryPluginSource(plugins));
        registry.load();
        return registry;
    }

    private Path echoJar(String fileName) throws IOException {
        return TestPluginJars.jar(plugins.resolve(fileName))
                .withProcessors(EchoProcessor.class, SecondProcessor.class)
                .build();
    }

    @Test
    void findsAProcessorByShortNameAndByClassName() throws IOException {
        Path jar = echoJar("echo.jar");

        PluginRegistry registry = loadDirectory();

        LoadedProcessor byName = registry.find("echo").orElseThrow();
        assertThat(registry.find(EchoProcessor.class.getName())).containsSame(byName);
        assertThat(byName.name()).isEqualTo("echo");
        assertThat(byName.className()).isEqualTo(EchoProcessor.class.getName());
        assertThat(byName.jar()).isEqualTo(jar);
        assertThat(byName.processor().getClass().getClassLoader())
                .isSameAs(byName.classLoader())
                .isInstanceOf(PluginClassLoader.class);
        assertThat(byName.processor().getClass()).isNotSameAs(EchoProcessor.class);
        assertThat(registry.find("SecondProcessor")).isPresent();
        assertThat(registry.find("EchoProcessor")).as("the short name replaces the simple name").isEmpty();
        assertThat(registry.find("nope")).isEmpty();
        assertThat(registry.processors()).extracting(LoadedProcessor::name).containsExactly("echo", "SecondProcessor");
        assertThat(registry.report().problems()).isEmpty();
    }

    @Test
    void logsOneInfoLinePerJarWithItsProcessors() throws IOException {
        echoJar("echo.jar");
        try (LogCapture log = LogCapture.of(PluginRegistry.class)) {
            loadDirectory();
            assertThat(log.events(Level.INFO)).extracting(ILoggingEvent::getFormattedMessage)
                    .contains("loaded plugin echo.jar: echo, SecondProcessor");
        }
    }

    @Test
    void corruptJarIsReportedAndOtherJarsStillLoad() throws IOException {
        Path corrupt = TestPluginJars.corrupt(plugins.resolve("a-corrupt.jar"));
        echoJar("b-echo.jar");

        try (LogCapture log = LogCapture.of(PluginRegistry.class)) {
            PluginRegistry registry = loadDirectory();

            assertThat(registry.find("echo")).isPresent();
            assertThat(registry.report().problems()).singleElement().satisfies(problem -> {
                assertThat(problem.jar()).isEqualTo(corrupt);
                assertThat(problem.reason()).contains("not a valid JAR");
            });
            assertExpectedWarning(log, "a-corrupt.jar", "not a valid JAR");
        }
    }

    @Test
    void jarWithoutServiceEntryHasNoProcessors() throws IOException {
        Path jar = TestPluginJars.jar(plugins.resolve("plain.jar")).withClasses(EchoProcessor.class).build();

        try (LogCapture log = LogCapture.of(PluginRegistry.class)) {
            PluginRegistry registry = loadDirectory();

            assertThat(registry.processors()).isEmpty();
            assertThat(registry.report().problems())
                    .containsExactly(new Problem(jar, "no processors found (no META-INF/services/dev.schedulerx.api.JobProcessor entry)"));
            assertExpectedWarning(log, "plain.jar", "no processors");
        }
    }

    @Test
    void serviceEntryNamingAMissingClassIsReportedAndTheRestOfTheJarLoads() throws IOException {
        TestPluginJars.jar(plugins.resolve("partly.jar"))
                .withServiceEntry("com.acme.DoesNotExist")
                .withProcessors(EchoProcessor.class)
                .build();

        try (LogCapture log = LogCapture.of(PluginRegistry.class)) {
            PluginRegistry registry = loadDirectory();

            assertThat(registry.find("echo")).isPresent();
            assertThat(registry.report().problems()).singleElement()
                    .satisfies(problem -> assertThat(problem.reason()).contains("com.acme.DoesNotExist").contains("not found"));
            assertExpectedWarning(log, "partly.jar", "com.acme.DoesNotExist");
        }
    }

    @Test
    void throwingConstructorIsReportedWithClassAndMessage() throws IOException {
        TestPluginJars.jar(plugins.resolve("ctor.jar"))
                .withProcessors(ThrowingConstructorProcessor.class, SecondProcessor.class)
                .build();

        try (LogCapture log = LogCapture.of(PluginRegistry.class)) {
            PluginRegistry registry = loadDirectory();

            assertThat(registry.find("SecondProcessor")).isPresent();
            assertThat(registry.find("ThrowingConstructorProcessor")).isEmpty();
            assertThat(registry.report().problems()).singleElement().satisfies(problem -> assertThat(problem.reason())
                    .contains(ThrowingConstructorProcessor.class.getName())
                    .contains("could not be instantiated")
                    .contains("IllegalStateException: constructor refused to run"));
            assertExpectedWarning(log, "ctor.jar", "constructor refused to run");
        }
    }

    @Test
    void duplicateNameInALaterJarIsReportedAndTheFirstWins() throws IOException {
        Path first = echoJar("a-echo.jar");
        Path second = TestPluginJars.jar(plugins.resolve("b-impostor.jar"))
                .withProcessors(EchoImpostorProcessor.class)
                .build();

        PluginRegistry registry = loadDirectory();

        assertThat(registry.find("echo").orElseThrow().jar()).isEqualTo(first);
        assertThat(registry.find(EchoImpostorProcessor.class.getName())).isEmpty();
        assertThat(registry.report().problems()).singleElement().satisfies(problem -> {
            assertThat(problem.jar()).isEqualTo(second);
            assertThat(problem.reason()).contains("echo").contains("already taken").contains("a-echo.jar");
        });
    }

    @Test
    void sameClassInTwoJarsIsADuplicate() throws IOException {
        echoJar("a-echo.jar");
        Path copy = echoJar("b-echo-copy.jar");

        PluginRegistry registry = loadDirectory();

        assertThat(registry.processors()).hasSize(2);
        assertThat(registry.report().problems()).hasSize(2).allSatisfy(problem -> assertThat(problem.jar()).isEqualTo(copy));
    }

    @Test
    void libraryJarsOfAUnitAreOnItsClassPath() throws IOException {
        Path jar = TestPluginJars.jar(plugins.resolve("uses-lib.jar")).withProcessors(LibraryUser.class).build();
        TestPluginJars.jar(plugins.resolve("uses-lib/lib/helper.jar")).withClasses(LibraryHelper.class).build();

        PluginRegistry registry = loadDirectory();
        LoadedProcessor user = registry.find("LibraryUser").orElseThrow();

        assertThat(new ProcessorInvoker().invoke(user, p -> p.process(null)).result())
                .isEqualTo("hello from the library");
        assertThat(user.jar()).isEqualTo(jar);
    }

    @Test
    void unitsCanComeFromAnySource() throws IOException {
        Path jar = TestPluginJars.jar(plugins.resolve("elsewhere/x.jar")).withProcessors(SecondProcessor.class).build();

        PluginRegistry registry = registry(() -> List.of(PluginUnit.of(jar)));

        assertThat(registry.load().processors()).extracting(LoadedProcessor::name).containsExactly("SecondProcessor");
    }

    @Test
    void missingJarIsAProblem() {
        Path missing = plugins.resolve("gone.jar");
        PluginRegistry registry = registry(() -> List.of(PluginUnit.of(missing)));

        assertThat(registry.load().problems()).containsExactly(new Problem(missing, "does not exist"));
    }

    @Test
    void registryIsUsableOnlyBetweenLoadAndClose() throws Exception {
        echoJar("echo.jar");
        PluginRegistry registry = registry(new DirectoryPluginSource(plugins));
        assertThatIllegalStateException().isThrownBy(() -> registry.find("echo")).withMessageContaining("not loaded");

        registry.load();
        assertThatIllegalStateException().isThrownBy(registry::load).withMessageContaining("already loaded");
        ClassLoader loader = registry.find("echo").orElseThrow().classLoader();

        registry.close();
        registry.close();
        assertThatIllegalStateException().isThrownBy(() -> registry.find("echo")).withMessageContaining("closed");
        // a closed URLClassLoader cannot load classes it has not loaded yet
        org.assertj.core.api.Assertions.assertThatExceptionOfType(ClassNotFoundException.class)
                .isThrownBy(() -> loader.loadClass(LibraryHelper.class.getName()));
    }

    @Test
    void emptyDirectoryLoadsNothing() {
        PluginReport report = loadDirectory().report();
        assertThat(report.processors()).isEmpty();
        assertThat(report.problems()).isEmpty();
    }

    /** Expected problems are one WARN line naming the JAR, without a stack trace. */
    private static void assertExpectedWarning(LogCapture log, String jarFileName, String text) {
        assertThat(log.events(Level.WARN)).singleElement().satisfies(event -> {
            assertThat(event.getFormattedMessage()).contains(jarFileName).contains(text);
            assertThat(event.getThrowableProxy()).isNull();
        });
    }
}
