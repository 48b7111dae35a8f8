package dev.schedulerx.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In worker-daemon's tests: its class path has the reference files that matter (Pekko's, ours, the server's). */
class MergedReferenceTest {
  private static final ClassLoader CLASS_PATH = MergedReferenceTest.class.getClassLoader();

  @TempDir Path dir;

  /** {@link MergedReference#reference} as code on a thread whose context class loader is {@code loader} reads it. */
  private static Config referenceReadThrough(ClassLoader loader) {
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return MergedReference.reference(MergedReferenceTest.class);
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  @Test
  void holdsTheTreeOfAllReferenceFilesUnderTheSystemPropertiesAndServesPekkoAnEmptyOne() throws Exception {
    Path file = dir.resolve("reference.merged.bin");

    ClassLoader served = MergedReference.loader(CLASS_PATH, file);

    assertThat(served).isNotSameAs(CLASS_PATH);
    assertThat(Collections.list(CLASS_PATH.getResources("reference.conf"))).hasSizeGreaterThan(3);
    Config merged = referenceReadThrough(served);
    Config asTypesafeReadsIt = ConfigFactory.defaultReference(CLASS_PATH);
    assertThat(merged.root().unwrapped()).isEqualTo(asTypesafeReadsIt.root().unwrapped());
    // Pekko's lists that its modules extend through self-references resolve as from the separate files.
    assertThat(merged.getStringList("pekko.library-extensions")).isEqualTo(asTypesafeReadsIt.getStringList("pekko.library-extensions"));
    assertThat(merged.getString("pekko.actor.provider")).isEqualTo("local");
    assertThat(merged.getString("schedulerx.group-id")).isEqualTo("examples");
    assertThat(merged.getString("java.version")).as("system properties on top").isEqualTo(System.getProperty("java.version"));
    // Pekko adds its class loader's reference below the configuration it is given, which holds the tree already.
    assertThat(ConfigFactory.parseResources(served, "reference.conf").isEmpty()).isTrue();
    assertThat(Collections.list(served.getResources("reference.conf"))).hasSize(1);
    // Classes still come from the class path.
    assertThat(served.loadClass(MergedReferenceTest.class.getName())).isSameAs(MergedReferenceTest.class);
    // Pekko's start-up scan of every JAR's manifest finds none (PackagingTest checks the Pekko JARs' one version).
    assertThat(Collections.list(CLASS_PATH.getResources("META-INF/MANIFEST.MF"))).hasSizeGreaterThan(3);
    assertThat(Collections.list(served.getResources("META-INF/MANIFEST.MF"))).isEmpty();
  }

  @Test
  void aLaterStartReadsTheSameTreeFromTheFile() throws Exception {
    Path file = dir.resolve("reference.merged.bin");
    Config made = referenceReadThrough(MergedReference.loader(CLASS_PATH, file));
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(file, old);

    Config read = referenceReadThrough(MergedReference.loader(CLASS_PATH, file));

    assertThat(Files.getLastModifiedTime(file)).as("kept while the class path is the same").isEqualTo(old);
    assertThat(read.root()).isEqualTo(made.root());
    assertThat(read.getDuration("pekko.remote.classic.netty.tcp.connection-timeout"))
        .isEqualTo(made.getDuration("pekko.remote.classic.netty.tcp.connection-timeout"));
    assertThat(read.getInt("pekko.actor.default-dispatcher.throughput")).isEqualTo(made.getInt("pekko.actor.default-dispatcher.throughput"));
    assertThat(read.getConfig("pekko.actor.serialization-bindings").root().unwrapped())
        .as("keys with dots stay single keys").containsEntry("[B", "bytes");
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
  void isRemadeWhenItWasMadeFromOtherFiles() throws Exception {
    Path file = dir.resolve("reference.merged.bin");
    ReferenceTree.write(file, "made from jar:file:/elsewhere.jar!/reference.conf 1 2",
        ConfigFactory.parseString("pekko.actor.provider = cluster"));

    Config reference = referenceReadThrough(MergedReference.loader(CLASS_PATH, file));

    assertThat(reference.getString("pekko.actor.provider")).isEqualTo("local");
    assertThat(reference.root().unwrapped()).isEqualTo(ConfigFactory.defaultReference(CLASS_PATH).root().unwrapped());
  }

  @Test
  void aFileThatCannotBeReadIsRemade() throws Exception {
    Path file = dir.resolve("reference.merged.bin");
    Files.writeString(file, "# made from an earlier version, as HOCON\npekko.actor.provider = cluster\n");
    assertThat(referenceReadThrough(MergedReference.loader(CLASS_PATH, file)).getString("pekko.actor.provider")).isEqualTo("local");

    byte[] whole = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2)); // cut short, as by a full disk
    assertThat(referenceReadThrough(MergedReference.loader(CLASS_PATH, file)).getString("pekko.actor.provider")).isEqualTo("local");
    assertThat(Files.readAllBytes(file)).isEqualTo(whole);
  }

  @Test
  void aDamagedTreeIsNotReadButMadeAgain() throws Exception {
    Path file = dir.resolve("tree.bin");
    ReferenceTree.write(file, "made from a test", ConfigFactory.parseString("a { b = [1, 2] }"));
    byte[] whole = Files.readAllBytes(file);
    // The root object's count of entries, after the magic number and the 4 + 16 bytes of "made from a test".
    int rootCount = 4 + 4 + "made from a test".length() + 1;
    for (int count : new int[] {-1, Integer.MAX_VALUE}) {
      byte[] damaged = whole.clone();
      java.nio.ByteBuffer.wrap(damaged, rootCount, 4).putInt(count);
      Files.write(file, damaged);

      assertThat(ReferenceTree.read(file, "made from a test")).as("count " + count).isNull();
    }
  }

  @Test
  void aPlaceThatCannotBeWrittenLeavesTheClassPathAsItIs() {
    assertThat(MergedReference.loader(CLASS_PATH, dir.resolve("missing/reference.merged.bin"))).isSameAs(CLASS_PATH);
  }

  @Test
  void aReferenceThatReadsTheEnvironmentIsNotKept() throws Exception {
    // PATH is set wherever tests run; a value taken from it could change without the class path changing.
    Path classes = Files.createDirectories(dir.resolve("classes"));
    Files.writeString(classes.resolve("reference.conf"), "tool.search-path = ${?PATH}\n");
    try (URLClassLoader withEnvironment = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
      Path file = dir.resolve("reference.merged.bin");

      assertThat(MergedReference.loader(withEnvironment, file)).isSameAs(withEnvironment);
      assertThat(file).doesNotExist();
    }
  }

  @Test
  void everyKindOfValueIsReadBackAsWritten() throws Exception {
    Config tree = ConfigFactory.parseString("""
        text = "a \\"quoted\\" text, ünïcode"
        "key.with.dots" = yes
        whole = 42
        big = 10000000000
        fraction = 0.25
        off = false
        nothing = null
        none = []
        empty {}
        nested { list = [1, "two", {three = 3}, [4]], deeper { duration = 5s } }
        """).resolve();
    Path file = dir.resolve("tree.bin");

    ReferenceTree.write(file, "made from a test", tree);
    Config read = ReferenceTree.read(file, "made from a test");

    assertThat(read.root()).isEqualTo(tree.root());
    assertThat(read.getString("text")).isEqualTo("a \"quoted\" text, ünïcode");
    assertThat(read.getBoolean("\"key.with.dots\"")).isTrue();
    assertThat(read.getLong("big")).isEqualTo(10_000_000_000L);
    assertThat(read.getDouble("fraction")).isEqualTo(0.25);
    assertThat(read.getIsNull("nothing")).isTrue();
    assertThat(read.getList("none")).isEmpty();
    assertThat(read.getObject("empty")).isEmpty();
    assertThat(read.getDuration("nested.deeper.duration")).hasSeconds(5);
    assertThat(read.origin().description()).isEqualTo(ReferenceTree.ORIGIN);
    assertThat(ReferenceTree.read(file, "made from something else")).isNull();
  }
}
