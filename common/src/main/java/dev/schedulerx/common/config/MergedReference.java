package dev.schedulerx.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Every {@code reference.conf} of the class path merged and resolved into one tree that is kept in a file from one
 * start to the next ({@link ReferenceTree}) and read without Typesafe-config's parser. The parse of the reference
 * files (Pekko's are long) was a tenth of a worker's start on its main thread even with all of them merged into one
 * HOCON file without comments, and the parser's code then kept the JIT compilers busy; the user's config file is
 * still parsed as HOCON.
 *
 * <p>A process's entry point makes a class loader holding the tree its context class loader
 * ({@link #useOnThisThread}), and {@link #reference} hands the tree to this project's config loading and actor
 * systems. The loader answers {@code reference.conf} with an empty file: Pekko adds Typesafe-config's reference of
 * its class loader below the configuration it is given, which holds the tree already. The file begins with the
 * reference files it was made from and their sizes and times, so any change of the class path remakes it; a
 * reference whose substitutions read the environment is not kept (its values could change without the class
 * path). The same loader spares Pekko's start its scan of every JAR's manifest ({@link #MANIFESTS}).
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
   * class loader becomes one holding the merged reference kept there, for all configuration read on it.
   */
  public static void useOnThisThread(Class<?> main) {
    String file = System.getProperty(PROPERTY);
    if (file != null && !file.isBlank()) {
      Thread.currentThread().setContextClassLoader(loader(main.getClassLoader(), Path.of(file), MergedReference::launcherClassPath));
    }
  }

  /**
   * A class loader holding the merged reference kept in {@code cacheFile} (made or remade there first when
   * missing or stale); {@code parent} itself when the file cannot be written (a read-only distribution) or the
   * reference reads the environment.
   */
  static ClassLoader loader(ClassLoader parent, Path cacheFile) {
    return loader(parent, cacheFile, () -> referenceFiles(parent));
  }

  /** What the merged file was made from, as its head names it; a change remakes the file. */
  private interface Sources {
    String describe() throws IOException;
  }

  private static ClassLoader loader(ClassLoader parent, Path cacheFile, Sources sources) {
    try {
      String madeFrom = "made from " + sources.describe();
      Config reference = ReferenceTree.read(cacheFile, madeFrom);
      if (reference == null) {
        Config files = ConfigFactory.parseResources(parent, RESOURCE);
        reference = files.resolve(ConfigResolveOptions.noSystem());
        if (!reference.equals(files.resolve())) {
          return parent; // its values may change without the class path: parsed at every start
        }
        write(cacheFile, madeFrom, reference);
      }
      return new ServingLoader(parent, reference);
    } catch (IOException | UncheckedIOException | ConfigException e) {
      return parent; // the reference files are parsed as usual (and a broken one is reported as usual)
    }
  }

  /**
   * The reference configuration, as code on this thread reads it: the system properties over every reference.conf
   * of the class path, resolved. From the merged file when the entry point keeps one ({@link #useOnThisThread}),
   * else as Typesafe-config reads it for the context class loader (or {@code fallback}'s). A substitution in a
   * reference file is resolved when the merged file is made, so a system property changes the value it names and
   * not the values that copy it.
   */
  public static Config reference(Class<?> fallback) {
    ClassLoader context = Thread.currentThread().getContextClassLoader(); // as Pekko's actor systems take it
    ClassLoader loader = context != null ? context : fallback.getClassLoader();
    if (loader instanceof ServingLoader served) {
      return ConfigFactory.systemProperties().withFallback(served.reference);
    }
    return ConfigFactory.defaultReference(loader);
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

  /** Whole or not at all: another process may read the file while this one writes it. */
  private static void write(Path file, String madeFrom, Config reference) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      ReferenceTree.write(temp, madeFrom, reference);
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
   * Answers {@code reference.conf} with an empty file, for Pekko's actor systems, which add Typesafe-config's reference
   * below the configuration they are given: the configuration built on {@link #reference} holds it already.
   * Everything else as its parent does.
   */
  private static final class ServingLoader extends ClassLoader {
    private static final URL EMPTY = emptyResource();
    private final Config reference;

    ServingLoader(ClassLoader parent, Config reference) {
      super("merged-reference", parent);
      this.reference = reference;
    }

    @Override
    public URL getResource(String name) {
      return RESOURCE.equals(name) ? EMPTY : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      if (MANIFESTS.equals(name)) {
        return Collections.emptyEnumeration();
      }
      return RESOURCE.equals(name) ? Collections.enumeration(List.of(EMPTY)) : super.getResources(name);
    }

    private static URL emptyResource() {
      try {
        return new URL(null, "merged-reference:reference.conf", new URLStreamHandler() {
          @Override
          protected URLConnection openConnection(URL url) {
            return new URLConnection(url) {
              @Override
              public void connect() {}

              @Override
              public InputStream getInputStream() {
                return InputStream.nullInputStream();
              }
            };
          }
        });
      } catch (java.net.MalformedURLException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
