package dev.schedulerx.buildtools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A build step on the distribution's JARs: rewrites, in place, the JARs whose file names start with one of the given
 * prefixes so that their lambdas that are serializable only because their compiler makes every lambda so (Scala) or
 * because their interface is (Pekko's Java API) become plain lambdas.
 *
 * <p>Why: JDK 17's class-data sharing archives the classes the JVM spins for plain lambdas, never those of
 * serializable ones, and every Scala lambda is one: a daemon's start spun ~400 of Pekko's and Scala's afresh, about a
 * tenth of its start-up time. Nothing in the daemon serializes a function: its remoting is protobuf only, with Java serialization off. A
 * rewritten lambda whose interface extends {@code Serializable} refuses to be serialized, as the JDK's plain lambdas
 * of such interfaces do. See {@link SerializableLambdaRewriter} for which lambdas are left as they are.
 *
 * <p>Usage: {@code ArchivableLambdas --prefixes=pekko-,scala-library- DIR_OR_JAR...}. Every JAR given (or found
 * directly in a directory given) is read to look interfaces up; only the prefixed ones are rewritten, and only when
 * something in them changes (so a JAR rewritten by an earlier build keeps its time stamp). Signed JARs are left alone.
 */
public final class ArchivableLambdas {
  private ArchivableLambdas() {}

  public static void main(String[] args) throws IOException {
    List<String> prefixes = new ArrayList<>();
    List<Path> jars = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("--prefixes=")) {
        for (String prefix : arg.substring("--prefixes=".length()).split(",")) {
          if (!prefix.isBlank()) prefixes.add(prefix.trim());
        }
      } else {
        jars.addAll(jarsAt(Path.of(arg)));
      }
    }
    if (prefixes.isEmpty()) {
      throw new IllegalArgumentException("usage: ArchivableLambdas --prefixes=PREFIX[,PREFIX...] DIR_OR_JAR...");
    }
    try (InterfaceIndex index = InterfaceIndex.of(jars)) {
      for (Path jar : jars) {
        String name = jar.getFileName().toString();
        if (prefixes.stream().anyMatch(name::startsWith)) {
          Result result = rewrite(jar, index);
          if (result.rewritten() > 0) {
            System.out.printf("archivable-lambdas: %s: %d serializable lambda(s) made plain, %d kept%n",
                name, result.rewritten(), result.kept());
          }
        }
      }
    }
  }

  record Result(int rewritten, int kept) {}

  /** Rewrites one JAR in place (through a temporary file beside it) when any of its classes changes. */
  static Result rewrite(Path jar, InterfaceIndex index) throws IOException {
    SerializableLambdaRewriter rewriter = new SerializableLambdaRewriter(index);
    Path rewritten = jar.resolveSibling(jar.getFileName() + ".rewriting");
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      if (zip.stream().anyMatch(e -> e.getName().startsWith("META-INF/") && e.getName().endsWith(".SF"))) {
        System.out.printf("archivable-lambdas: %s is signed: left as it is%n", jar.getFileName());
        return new Result(0, 0);
      }
      copy(zip, rewritten, rewriter);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(rewritten);
      throw e;
    }
    if (rewriter.rewritten() > 0) {
      Files.move(rewritten, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } else {
      Files.delete(rewritten);
    }
    return new Result(rewriter.rewritten(), rewriter.kept());
  }

  /** Every entry of the JAR, in order and with its time, its classes passed through the rewriter. */
  private static void copy(ZipFile zip, Path to, SerializableLambdaRewriter rewriter) throws IOException {
    try (OutputStream file = Files.newOutputStream(to); ZipOutputStream out = new ZipOutputStream(file)) {
      for (ZipEntry entry : Collections.list(zip.entries())) {
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
          bytes = in.readAllBytes();
        }
        ZipEntry copy = new ZipEntry(entry.getName());
        copy.setTime(entry.getTime());
        out.putNextEntry(copy);
        out.write(entry.getName().endsWith(".class") ? rewriter.rewrite(bytes) : bytes);
        out.closeEntry();
      }
    }
  }

  private static List<Path> jarsAt(Path path) {
    if (!Files.isDirectory(path)) return List.of(path);
    try (Stream<Path> files = Files.list(path)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
