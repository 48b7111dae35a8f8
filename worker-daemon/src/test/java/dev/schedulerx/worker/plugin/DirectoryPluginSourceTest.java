package dev.schedulerx.worker.plugin;

import dev.schedulerx.worker.testing.LogCapture;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryPluginSourceTest {
    @TempDir
    Path plugins;

    @Test
    void listsJarsSortedByFileNameAndIgnoresOtherFiles() throws IOException {
        Files.writeString(plugins.resolve("zeta.jar"), "");
        Files.writeString(plugins.resolve("alpha.jar"), "");
        Files.writeString(plugins.resolve("README.md"), "");
        Files.writeString(plugins.resolve("beta.jar.disabled"), "");
        Files.createDirectory(plugins.resolve("dir.jar"));

        List<PluginUnit> units = new DirectoryPluginSource(plugins).units();

        assertThat(units).extracting(PluginUnit::fileName).containsExactly("alpha.jar", "zeta.jar");
        assertThat(units).allSatisfy(unit -> assertThat(unit.libraries()).isEmpty());
    }

    @Test
    void jarsInTheUnitsLibDirectoryAreItsLibraries() throws IOException {
        Files.writeString(plugins.resolve("orders.jar"), "");
        Path lib = Files.createDirectories(plugins.resolve("orders").resolve("lib"));
        Files.writeString(lib.resolve("b-dep.jar"), "");
        Files.writeString(lib.resolve("a-dep.jar"), "");
        Files.writeString(lib.resolve("notes.txt"), "");

        List<PluginUnit> units = new DirectoryPluginSource(plugins).units();

        assertThat(units).hasSize(1);
        PluginUnit unit = units.get(0);
        assertThat(unit.name()).isEqualTo("orders");
        assertThat(unit.libraries()).containsExactly(lib.resolve("a-dep.jar"), lib.resolve("b-dep.jar"));
        assertThat(unit.classPath()).first().isEqualTo(plugins.resolve("orders.jar"));
    }

    @Test
    void missingDirectoryYieldsNoUnitsAndAWarning() {
        Path missing = plugins.resolve("nope");
        try (LogCapture log = LogCapture.of(DirectoryPluginSource.class)) {
            assertThat(new DirectoryPluginSource(missing).units()).isEmpty();
            assertThat(log.events(Level.WARN)).singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains("nope").contains("does not exist"));
        }
    }

    @Test
    void aMissingDirectoryIsWarnedAboutOnceWhileItStaysMissingAndAgainAfterItCameBack() throws IOException {
        Path missing = plugins.resolve("later");
        DirectoryPluginSource source = new DirectoryPluginSource(missing);
        try (LogCapture log = LogCapture.of(DirectoryPluginSource.class)) {
            source.units();
            source.units();
            assertThat(log.events(Level.WARN)).as("periodic scans repeat no warning").hasSize(1);

            Files.createDirectories(missing);
            source.units();
            Files.delete(missing);
            source.units();
            assertThat(log.events(Level.WARN)).hasSize(2);
        }
    }
}
