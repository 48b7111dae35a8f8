package dev.schedulerx.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In worker-daemon's tests: its class path has the reference files that matter (Pekko's, ours, the server's). */
class MergedReferenceTest {
  private static final ClassLoader CLASS_PATH = MergedReferenceTest.class.getClassLoader();

  @TempDir Path dir;

  private static Config reference(ClassLoader loader) {
    return ConfigFactory.parseResources(loader, "reference.conf").resolve();
  }

  @Test
  void servesOneFileHoldingTheSameTreeAsAllReferenceFiles() throws Exception {
    Path file = dir.resolve("reference.merged.conf");

    ClassLoader served = MergedReference.loader(CLASS_PATH, file);

    List<String> urls = Collections.list(served.getResources("reference.conf")).stream().map(URL::toString).toList();
    assertThat(urls).containsExactly(file.toUri().toURL().toString());
    assertThat(Collections.list(CLASS_PATH.getResources("reference.conf"))).hasSizeGreaterThan(3);
    Config merged = reference(served);
    assertThat(merged.root()).isEqualTo(reference(CLASS_PATH).root());
    // Pekko's lists that its modules extend through self-references resolve as from the separate files.
    assertThat(merged.getStringList("pekko.library-extensions")).isEqualTo(reference(CLASS_PATH).getStringList("pekko.library-extensions"));
    assertThat(merged.getString("pekko.actor.provider")).isEqualTo("local");
    assertThat(merged.getString("schedulerx.group-id")).isEqualTo("examples");
    assertThat(Files.readString(file).length()).isLessThan(String.join("", texts()).length() / 3);
    // Classes still come from the class path.
    assertThat(served.loadClass(MergedReferenceTest.class.getName())).isSameAs(MergedReferenceTest.class);
    // Pekko's start-up scan of every JAR's manifest finds none (PackagingTest checks the Pekko JARs' one version).
    assertThat(Collections.list(CLASS_PATH.getResources("META-INF/MANIFEST.MF"))).hasSizeGreaterThan(3);
    assertThat(Collections.list(served.getResources("META-INF/MANIFEST.MF"))).isEmpty();
  }

  @Test
  void theLaunchersClassPathIsDescribedByItsJarsSizesAndTimesAndADirectoryIsLookedInto() throws Exception {
    Path a = Files.writeString(dir.resolve("a.jar"), "one");
    Path b = Files.writeString(dir.resolve("b.jar"), "three");
    String classPath = a + java.io.File.pathSeparator + b;
    String before = MergedReference.jars(classPath);
    assertThat(before).isEqualTo(a + " 3 " + Files.getLastModifiedTime(a).toMillis() + " " + b + " 5 " + Files.getLastModifiedTime(b).toMillis());

    Files.setLastModifiedTime(b, FileTime.fromMillis(Files.getLastModifiedTime(b).toMillis() + 1000));
    assertThat(MergedReference.jars(classPath)).as("a rebuilt JAR remakes the merged file").isNotEqualTo(before);
    assertThat(MergedReference.jars(classPath + java.io.File.pathSeparator + dir)).isNull();
  }

  @Test
  void isKeptWhileTheClassPathIsTheSame() throws Exception {
    Path file = dir.resolve("reference.merged.conf");
    MergedReference.loader(CLASS_PATH, file);
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(file, old);

    MergedReference.loader(CLASS_PATH, file);

    assertThat(Files.getLastModifiedTime(file)).isEqualTo(old);
  }

  @Test
  void isRemadeWhenItWasMadeFromOtherFiles() throws Exception {
    Path file = dir.resolve("reference.merged.conf");
    Files.writeString(file, "# made from jar:file:/elsewhere.jar!/reference.conf 1 2\npekko.actor.provider = cluster\n");

    ClassLoader served = MergedReference.loader(CLASS_PATH, file);

    assertThat(reference(served).getString("pekko.actor.provider")).isEqualTo("local");
    assertThat(reference(served).root()).isEqualTo(reference(CLASS_PATH).root());
  }

  @Test
  void aPlaceThatCannotBeWrittenLeavesTheClassPathAsItIs() {
    assertThat(MergedReference.loader(CLASS_PATH, dir.resolve("missing/reference.merged.conf"))).isSameAs(CLASS_PATH);
  }

  private static List<String> texts() throws Exception {
    return Collections.list(CLASS_PATH.getResources("reference.conf")).stream().map(url -> {
      try (var in = url.openStream()) {
        return new String(in.readAllBytes());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).toList();
  }
}
