package dev.schedulerx.buildtools;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Turns a class's serializable lambdas into plain ones: an {@code invokedynamic} bootstrapped by
 * {@code LambdaMetafactory.altMetafactory} with {@code FLAG_SERIALIZABLE} becomes one bootstrapped by
 * {@code LambdaMetafactory.metafactory} with the same interface method, implementation and instantiated type.
 *
 * <p>Only lambdas whose serializability no code can rely on by type: those of an interface that extends
 * {@code Serializable} (Pekko's Java API; the plain lambda is still an instance of it, one that refuses to be
 * serialized, as the JDK makes such lambdas), and those of classes compiled by Scala, which makes every lambda
 * serializable (a class with a {@code $deserializeLambda$} bootstrapped by {@code scala.runtime.LambdaDeserialize}).
 * A Java lambda cast to {@code Serializable} stays as it is: javac checks that cast.
 *
 * <p>What {@code metafactory} cannot express is dropped only when no caller can miss it: a marker interface other
 * than {@code Serializable} keeps the lambda as it is; a bridge (Scala adds one for the lambda's instantiated type)
 * is dropped unless its signature is abstract in the lambda's interface or one of its super-interfaces, where a call
 * through that interface would need it.
 */
final class SerializableLambdaRewriter {
  private static final String LAMBDA_METAFACTORY = "java/lang/invoke/LambdaMetafactory";
  private static final Handle METAFACTORY = new Handle(Opcodes.H_INVOKESTATIC, LAMBDA_METAFACTORY, "metafactory",
      "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
          + "Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)"
          + "Ljava/lang/invoke/CallSite;", false);
  private static final byte[] ALT_METAFACTORY = "altMetafactory".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SCALA_LAMBDA_DESERIALIZE = "scala/runtime/LambdaDeserialize".getBytes(StandardCharsets.US_ASCII);
  // LambdaMetafactory's flags
  private static final int FLAG_SERIALIZABLE = 1;
  private static final int FLAG_MARKERS = 2;
  private static final int FLAG_BRIDGES = 4;

  private final InterfaceIndex interfaces;
  private int rewritten;
  private int kept;

  SerializableLambdaRewriter(InterfaceIndex interfaces) {
    this.interfaces = interfaces;
  }

  int rewritten() {
    return rewritten;
  }

  /** Serializable lambdas left as they are (a marker interface, or a bridge a caller may need). */
  int kept() {
    return kept;
  }

  /** The class file with its serializable lambdas made plain, or the same array when it has none to change. */
  byte[] rewrite(byte[] classFile) {
    if (!contains(classFile, ALT_METAFACTORY)) return classFile;
    boolean compiledByScala = contains(classFile, SCALA_LAMBDA_DESERIALIZE);
    int before = rewritten;
    ClassReader reader = new ClassReader(classFile);
    ClassWriter writer = new ClassWriter(reader, 0);
    reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
          @Override
          public void visitInvokeDynamicInsn(String methodName, String factoryType, Handle bootstrap, Object... args) {
            if (isSerializableLambda(bootstrap, args)) {
              if (canBePlain(methodName, factoryType, args, compiledByScala)) {
                rewritten++;
                super.visitInvokeDynamicInsn(methodName, factoryType, METAFACTORY, args[0], args[1], args[2]);
                return;
              }
              kept++;
            }
            super.visitInvokeDynamicInsn(methodName, factoryType, bootstrap, args);
          }
        };
      }
    }, 0);
    return rewritten == before ? classFile : writer.toByteArray();
  }

  private static boolean isSerializableLambda(Handle bootstrap, Object[] args) {
    return bootstrap.getOwner().equals(LAMBDA_METAFACTORY) && bootstrap.getName().equals("altMetafactory")
        && args.length >= 4 && args[3] instanceof Integer flags && (flags & FLAG_SERIALIZABLE) != 0;
  }

  /** altMetafactory's arguments: interface method type, implementation, instantiated type, flags, then the extras. */
  private boolean canBePlain(String methodName, String factoryType, Object[] args, boolean compiledByScala) {
    String lambdaInterface = Type.getReturnType(factoryType).getInternalName();
    if (!compiledByScala && !interfaces.isSerializable(lambdaInterface)) return false;
    int flags = (Integer) args[3];
    int next = 4;
    if ((flags & FLAG_MARKERS) != 0) {
      int count = (Integer) args[next++];
      for (Object marker : Arrays.copyOfRange(args, next, next + count)) {
        if (!((Type) marker).getInternalName().equals("java/io/Serializable")) return false;
      }
      next += count;
    }
    if ((flags & FLAG_BRIDGES) != 0) {
      String interfaceMethod = ((Type) args[0]).getDescriptor();
      int count = (Integer) args[next++];
      for (Object bridge : Arrays.copyOfRange(args, next, next + count)) {
        String descriptor = ((Type) bridge).getDescriptor();
        if (!descriptor.equals(interfaceMethod) && interfaces.mayNeed(lambdaInterface, methodName, descriptor)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) continue outer;
      }
      return true;
    }
    return false;
  }
}
