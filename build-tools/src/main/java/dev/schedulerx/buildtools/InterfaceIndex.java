package dev.schedulerx.buildtools;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** Which methods an interface and its super-interfaces declare abstract, read from a set of JARs and the JDK. */
final class InterfaceIndex implements AutoCloseable {
  private record Declarations(List<String> superInterfaces, Set<String> abstractMethods) {}

  private final List<ZipFile> jars;
  private final Map<String, Optional<Declarations>> byName = new HashMap<>();

  private InterfaceIndex(List<ZipFile> jars) {
    this.jars = jars;
  }

  static InterfaceIndex of(List<Path> jarPaths) throws IOException {
    List<ZipFile> jars = new ArrayList<>();
    try {
      for (Path path : jarPaths) jars.add(new ZipFile(path.toFile()));
    } catch (IOException e) {
      for (ZipFile jar : jars) jar.close();
      throw e;
    }
    return new InterfaceIndex(jars);
  }

  /**
   * Whether {@code name + descriptor} is abstract in the interface or one of its super-interfaces, so that a lambda
   * of it must implement that method itself. True as well when a type of the hierarchy cannot be found: the caller
   * then leaves the lambda as it is.
   */
  boolean mayNeed(String interfaceName, String name, String descriptor) {
    String method = name + descriptor;
    return anyInHierarchy(interfaceName, (type, declarations) -> declarations.abstractMethods().contains(method), true);
  }

  /** Whether the interface extends {@code java.io.Serializable}; false when its hierarchy cannot be read. */
  boolean isSerializable(String interfaceName) {
    return anyInHierarchy(interfaceName, (type, declarations) -> type.equals("java/io/Serializable"), false);
  }

  /** Whether a type of the interface's hierarchy (itself included) matches; {@code ifUnreadable} when one cannot be read. */
  private boolean anyInHierarchy(String interfaceName, BiPredicate<String, Declarations> matches, boolean ifUnreadable) {
    Deque<String> pending = new ArrayDeque<>(List.of(interfaceName));
    Set<String> seen = new HashSet<>();
    while (!pending.isEmpty()) {
      String type = pending.pop();
      if (!seen.add(type)) continue;
      Optional<Declarations> declarations = declarations(type);
      if (declarations.isEmpty()) return ifUnreadable;
      if (matches.test(type, declarations.get())) return true;
      pending.addAll(declarations.get().superInterfaces());
    }
    return false;
  }

  private Optional<Declarations> declarations(String type) {
    return byName.computeIfAbsent(type, t -> {
      byte[] bytes = classFile(t + ".class");
      return bytes == null ? Optional.empty() : Optional.of(read(bytes));
    });
  }

  private byte[] classFile(String entryName) {
    try {
      for (ZipFile jar : jars) {
        ZipEntry entry = jar.getEntry(entryName);
        if (entry != null) {
          try (InputStream in = jar.getInputStream(entry)) {
            return in.readAllBytes();
          }
        }
      }
      // the JDK's own interfaces (java.util.function and the like): class files are readable from any module
      try (InputStream in = ClassLoader.getPlatformClassLoader().getResourceAsStream(entryName)) {
        return in == null ? null : in.readAllBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Declarations read(byte[] bytes) {
    ClassReader reader = new ClassReader(bytes);
    Set<String> abstractMethods = new HashSet<>();
    reader.accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        if ((access & Opcodes.ACC_ABSTRACT) != 0) abstractMethods.add(name + descriptor);
        return null;
      }
    }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return new Declarations(List.of(reader.getInterfaces()), abstractMethods);
  }

  @Override
  public void close() throws IOException {
    for (ZipFile jar : jars) jar.close();
  }
}
