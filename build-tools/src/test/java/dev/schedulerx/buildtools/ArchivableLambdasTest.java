package dev.schedulerx.buildtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.function.Supplier;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

class ArchivableLambdasTest {
  // Lambdas the way javac compiles them for Pekko's Java API (an interface that extends Serializable), next to two
  // that have to stay as they are: one cast to Serializable (javac checks the cast) and one with a marker interface.
  // Each serializable lambda is made twice in the class file: where it is used and in $deserializeLambda$.
  private static final String SOURCE = """
      package sample;
      import java.io.Serializable;
      import java.util.function.Supplier;
      public class Lambdas {
        public interface SerializableFunction<A, B> extends Serializable { B apply(A a); }
        public interface Marker {}
        public interface Getter { Object get(); }
        public interface StringGetter extends Getter { String get(); }
        public static SerializableFunction<String, Integer> length() { return String::length; }
        public static Supplier<String> castToSerializable(String s) { return (Supplier<String> & Serializable) () -> s + "!"; }
        public static Supplier<String> withAMarker() { return (Supplier<String> & Serializable & Marker) () -> "marked"; }
        public static Runnable plain() { return () -> {}; }
        public static String bridged() { return "bridged"; }
      }
      """;

  @TempDir Path dir;
  private Path jar;

  @BeforeEach
  void compileTheSampleIntoAJar() throws Exception {
    Path sources = Files.createDirectories(dir.resolve("src/sample"));
    Files.writeString(sources.resolve("Lambdas.java"), SOURCE);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    int status = ToolProvider.getSystemJavaCompiler().run(null, null, null,
        "-d", classes.toString(), sources.resolve("Lambdas.java").toString());
    assertThat(status).isZero();
    Path stringGetter = classes.resolve("sample/Lambdas$StringGetter.class");
    Files.write(stringGetter, withoutBridgeMethods(Files.readAllBytes(stringGetter)));
    Files.write(classes.resolve("sample/ScalaStyle.class"), scalaStyleLambdas());
    jar = dir.resolve("sample-1.0.jar");
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
      for (Path path : Files.walk(classes).filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new ZipEntry(classes.relativize(path).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(path));
        out.closeEntry();
      }
    }
  }

  @Test
  void serializableLambdasBecomePlainAndStillWorkWhileThoseThatNeedMoreAreKept() throws Exception {
    ArchivableLambdas.Result result = rewrite();

    // length() and ScalaStyle.supplier(); not castToSerializable(), withAMarker() nor ScalaStyle.stringGetter()
    assertThat(result).isEqualTo(new ArchivableLambdas.Result(3, 5));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
      Class<?> lambdas = loader.loadClass("sample.Lambdas");

      Object length = lambdas.getMethod("length").invoke(null);
      Object applied = loader.loadClass("sample.Lambdas$SerializableFunction").getMethod("apply", Object.class)
          .invoke(length, "four");
      assertThat(applied).isEqualTo(4);
      assertThatThrownBy(() -> serialize(length)).isInstanceOf(NotSerializableException.class);

      Supplier<?> cast = (Supplier<?>) lambdas.getMethod("castToSerializable", String.class).invoke(null, "done");
      assertThat(cast.get()).isEqualTo("done!");
      assertThat(serialize(cast)).isNotEmpty();

      Class<?> scalaStyle = loader.loadClass("sample.ScalaStyle");
      Supplier<?> supplier = (Supplier<?>) scalaStyle.getMethod("supplier").invoke(null);
      assertThat(supplier.get()).isEqualTo("bridged");
      assertThat(supplier).isNotInstanceOf(Serializable.class);
      Object stringGetter = scalaStyle.getMethod("stringGetter").invoke(null);
      assertThat(loader.loadClass("sample.Lambdas$Getter").getMethod("get").invoke(stringGetter)).isEqualTo("bridged");
      assertThat(serialize(stringGetter)).isNotEmpty();

      Object marked = lambdas.getMethod("withAMarker").invoke(null);
      assertThat(loader.loadClass("sample.Lambdas$Marker").isInstance(marked)).isTrue();
      assertThat(serialize(marked)).isNotEmpty();
    }
  }

  @Test
  void aJarWithNothingLeftToChangeIsNotWrittenAgain() throws Exception {
    rewrite();
    FileTime first = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(jar, first);
    byte[] bytes = Files.readAllBytes(jar);

    assertThat(rewrite()).isEqualTo(new ArchivableLambdas.Result(0, 5));

    assertThat(Files.getLastModifiedTime(jar)).isEqualTo(first);
    assertThat(Files.readAllBytes(jar)).isEqualTo(bytes);
    assertThat(dir).isDirectoryNotContaining("glob:**.rewriting");
  }

  @Test
  void onlyJarsWithAGivenPrefixAreRewritten() throws Exception {
    byte[] before = Files.readAllBytes(jar);

    ArchivableLambdas.main(new String[] {"--prefixes=pekko-,scala-library-", dir.toString()});

    assertThat(Files.readAllBytes(jar)).isEqualTo(before);
    ArchivableLambdas.main(new String[] {"--prefixes=pekko-,sample-", dir.toString()});
    assertThat(Files.readAllBytes(jar)).isNotEqualTo(before);
  }

  /**
   * Serializable lambdas with a bridge, as Scala compiles them (with a $deserializeLambda$ bootstrapped by Scala's
   * LambdaDeserialize, never called here): one of Supplier with a bridge for its instantiated type (which no
   * interface declares, so it can go), one of StringGetter whose bridge get()Object is abstract in Getter
   * (StringGetter's own bridge removed, as in an interface compiled without one), so it must stay.
   */
  private static byte[] scalaStyleLambdas() {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "sample/ScalaStyle", null, "java/lang/Object", null);
    Handle altMetafactory = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/LambdaMetafactory", "altMetafactory",
        "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;[Ljava/lang/Object;)"
            + "Ljava/lang/invoke/CallSite;", false);
    Handle bridged = new Handle(Opcodes.H_INVOKESTATIC, "sample/Lambdas", "bridged", "()Ljava/lang/String;", false);
    Type returnsString = Type.getMethodType("()Ljava/lang/String;");
    Type returnsObject = Type.getMethodType("()Ljava/lang/Object;");
    int serializableWithBridges = 1 | 4;
    for (String[] lambda : new String[][] {{"supplier", "java/util/function/Supplier"}, {"stringGetter", "sample/Lambdas$StringGetter"}}) {
      boolean ofSupplier = lambda[1].startsWith("java/");
      MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, lambda[0], "()L" + lambda[1] + ";", null, null);
      method.visitCode();
      method.visitInvokeDynamicInsn("get", "()L" + lambda[1] + ";", altMetafactory,
          ofSupplier ? returnsObject : returnsString, bridged, returnsString, serializableWithBridges, 1,
          ofSupplier ? returnsString : returnsObject);
      method.visitInsn(Opcodes.ARETURN);
      method.visitMaxs(0, 0);
      method.visitEnd();
    }
    MethodVisitor deserialize = writer.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, "$deserializeLambda$",
        "(Ljava/lang/invoke/SerializedLambda;)Ljava/lang/Object;", null, null);
    deserialize.visitCode();
    deserialize.visitVarInsn(Opcodes.ALOAD, 0);
    deserialize.visitInvokeDynamicInsn("lambdaDeserialize", "(Ljava/lang/invoke/SerializedLambda;)Ljava/lang/Object;",
        new Handle(Opcodes.H_INVOKESTATIC, "scala/runtime/LambdaDeserialize", "bootstrap",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
                + "[Ljava/lang/invoke/MethodHandle;)Ljava/lang/invoke/CallSite;", false), bridged);
    deserialize.visitInsn(Opcodes.ARETURN);
    deserialize.visitMaxs(0, 0);
    deserialize.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
  }

  private static byte[] withoutBridgeMethods(byte[] classFile) {
    ClassWriter writer = new ClassWriter(0);
    new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9, writer) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        return (access & Opcodes.ACC_BRIDGE) != 0 ? null : super.visitMethod(access, name, descriptor, signature, exceptions);
      }
    }, 0);
    return writer.toByteArray();
  }

  private ArchivableLambdas.Result rewrite() throws Exception {
    try (InterfaceIndex index = InterfaceIndex.of(List.of(jar))) {
      return ArchivableLambdas.rewrite(jar, index);
    }
  }

  private static byte[] serialize(Object value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }
}
