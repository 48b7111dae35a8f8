package dev.schedulerx.common.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Every {@code reference.conf} of the class path merged into one file that is kept from one start to the next.
 * Typesafe-config parses the reference files of all JARs at every start, and Pekko's are long and mostly
 * comments: that parse was a fifth of a worker's start on the main thread. The merged text (rendered without
 * comments or layout, substitutions left for resolution as before) parses several times faster and holds the
 * same tree.
 *
 * <p>It is served as the only {@code reference.conf} of a class loader whose parent is the class path's: a
 * process's entry point makes that its context class loader, which is where Pekko's actor systems and this
 * project's config loading look for {@code reference.conf}. The file's first line names the reference files
 * it was made from with their sizes and times, so any change of the class path remakes it. The same loader
 * spares Pekko's start its scan of every JAR's manifest ({@link #MANIFESTS}).
 */
public final class MergedReference {
  /** The file the launcher keeps the merged reference of its class path in. */
  public static final String PROPERTY = "schedulerx.merged-reference";
  private static final String RESOURCE = "reference.conf";
  /**
   * Asked for by Pekko's start-up version check only, which opens and parses the manifest of every JAR on the class
   * path (~0.1 s of a worker's start) to warn of mixed Pekko versions: the distribution's Pekko JARs come from one
   * BOM, which its packaging test checks, so this loader answers with none.
   */
  private static final String MANIFESTS = "META-INF/MANIFEST.MF";

  private MergedReference() {}

  /**
   * For a process's entry point: when the launcher named a file in {@link #PROPERTY}, this thread's context
   * class loader becomes one serving the merged reference kept there, for all configuration read on it.
   */
  public static void useOnThisThread(Class<?> main) {
    String file = System.getProperty(PROPERTY);
    if (file != null && !file.isBlank()) {
      Thread.currentThread().setContextClassLoader(loader(main.getClassLoader(), Path.of(file), MergedReference::launcherClassPath));
    }
  }

  /**
   * A class loader serving the merged reference kept in {@code cacheFile} (made or remade there first when
   * missing or stale); {@code parent} itself when the file cannot be written (a read-only distribution).
   */
  static ClassLoader loader(ClassLoader parent, Path cacheFile) {
    return loader(parent, cacheFile, () -> referenceFiles(parent));
  }

  /** What the merged file was made from, as its first line names it; a change remakes the file. */
  private interface Sources {
    String describe() throws IOException;
  }

  private static ClassLoader loader(ClassLoader parent, Path cacheFile, Sources sources) {
    try {
      String key = "# made from " + sources.describe();
      if (!firstLine(cacheFile).equals(key)) {
        String merged = ConfigFactory.parseResources(parent, RESOURCE).root().render(ConfigRenderOptions.concise().setJson(false));
        write(cacheFile, key + "\n" + merged + "\n");
      }
      return new ServingLoader(parent, new URL(null, cacheFile.toUri().toString(), new PlainFileHandler(cacheFile)));
    } catch (IOException | UncheckedIOException | ConfigException e) {
      return parent; // the reference files are parsed as usual (and a broken one is reported as usual)
    }
  }

  /**
   * The class loader whose reference configuration code on this thread reads: its context class loader, as
   * Pekko's actor systems do (so both share Typesafe-config's one parse of it), else {@code fallback}'s.
   */
  public static ClassLoader readBy(Class<?> fallback) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : fallback.getClassLoader();
  }

  /**
   * The launchers' class path, JAR by JAR with its size and time. They hold every reference file and nothing refers
   * to other JARs (our launchers build the class path from plain JARs), and no JAR is opened: looking the reference
   * files up opens every one of them, a tenth of a second of the start.
   */
  private static String launcherClassPath() throws IOException {
    String jars = jars(System.getProperty("java.class.path", ""));
    return jars != null ? jars : referenceFiles(ClassLoader.getSystemClassLoader());
  }

  /** Each JAR of {@code classPath} with its size and time; null when an entry is not a file (a directory). */
  static String jars(String classPath) throws IOException {
    List<String> jars = new ArrayList<>();
    for (String entry : classPath.split(java.io.File.pathSeparator)) {
      Path jar = Path.of(entry);
      if (!Files.isRegularFile(jar)) {
        return null;
      }
      jars.add(entry + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis());
    }
    return String.join(" ", jars);
  }

  /** Each reference file's URL with the size and time of the file holding it. */
  private static String referenceFiles(ClassLoader loader) throws IOException {
    List<String> sources = new ArrayList<>();
    for (URL url : Collections.list(loader.getResources(RESOURCE))) {
      Path holder = holder(url);
      sources.add(url + " " + Files.size(holder) + " " + Files.getLastModifiedTime(holder).toMillis());
    }
    return String.join(" ", sources);
  }

  private static Path holder(URL url) throws IOException {
    try {
      URL file = "jar".equals(url.getProtocol()) ? ((JarURLConnection) url.openConnection()).getJarFileURL() : url;
      return Path.of(file.toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IOException("not a local file: " + url, e);
    }
  }

  private static String firstLine(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line = reader.readLine();
      return line == null ? "" : line;
    }
  }

  /** Whole or not at all: another process may read the file while this one writes it. */
  private static void write(Path file, String text) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Reads the merged file without the JDK's file URL connection, which makes a date formatter and loads the
   * MIME table for its headers: a third of the merged reference's parse, for headers nobody reads.
   */
  private static final class PlainFileHandler extends URLStreamHandler {
    private final Path file;

    PlainFileHandler(Path file) {
      this.file = file;
    }

    @Override
    protected URLConnection openConnection(URL url) {
      return new URLConnection(url) {
        @Override
        public void connect() {}

        @Override
        public InputStream getInputStream() throws IOException {
          return Files.newInputStream(file);
        }
      };
    }
  }

  /** Answers {@code reference.conf} with the merged file; everything else as its parent does. */
  private static final class ServingLoader extends ClassLoader {
    private final URL merged;

    ServingLoader(ClassLoader parent, URL merged) {
      super("merged-reference", parent);
      this.merged = merged;
    }

    @Override
    public URL getResource(String name) {
      return RESOURCE.equals(name) ? merged : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      if (MANIFESTS.equals(name)) {
        return Collections.emptyEnumeration();
      }
      return RESOURCE.equals(name) ? Collections.enumeration(List.of(merged)) : super.getResources(name);
    }
  }
}
