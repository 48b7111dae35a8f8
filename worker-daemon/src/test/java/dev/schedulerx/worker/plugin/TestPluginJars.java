package dev.schedulerx.worker.plugin;

import dev.schedulerx.api.JobProcessor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Builds plugin JARs at test time, from classes compiled on the test class path (their {@code .class}
 * bytes are copied) or from Java sources compiled on the spot with the JDK's compiler.
 */
final class TestPluginJars {
    private final Path file;
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private final List<String> services = new ArrayList<>();

    private TestPluginJars(Path file) {
        this.file = file;
    }

    static TestPluginJars jar(Path file) {
        return new TestPluginJars(file);
    }

    /** Writes bytes that are not a zip archive. */
    static Path corrupt(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "this is not a jar\n");
    }

    /** Copies the compiled classes (top-level, no nested classes) from the test class path. */
    TestPluginJars withClasses(Class<?>... classes) {
        for (Class<?> type : classes) {
            String name = type.getName().replace('.', '/') + ".class";
            try (InputStream in = type.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalArgumentException("no class file for " + type.getName());
                }
                entries.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return this;
    }

    /** Adds the classes as processors: copies them and lists them in the service file. */
    TestPluginJars withProcessors(Class<?>... classes) {
        withClasses(classes);
        for (Class<?> type : classes) {
            services.add(type.getName());
        }
        return this;
    }

    /** Lists a class name in the service file without adding the class. */
    TestPluginJars withServiceEntry(String className) {
        services.add(className);
        return this;
    }

    TestPluginJars withEntry(String name, String content) {
        entries.put(name, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /**
     * Compiles Java sources, keyed by fully qualified class name, against plugin-api and the test classes, and
     * adds the resulting classes.
     */
    TestPluginJars withCompiledSources(Map<String, String> sources) {
        return compile(sources, List.of());
    }

    /**
     * Compiles sources as Java 8 code, without modules: javac refuses sources in packages of JDK modules
     * (such as {@code org.w3c.dom}) otherwise, while a JAR on a class loader may well contain them.
     */
    TestPluginJars withCompiledSourcesWithoutModules(Map<String, String> sources) {
        return compile(sources, List.of("--release", "8"));
    }

    private TestPluginJars compile(Map<String, String> sources, List<String> extraOptions) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("tests need a JDK: no system Java compiler");
        }
        try {
            Path out = Files.createTempDirectory(Files.createDirectories(file.toAbsolutePath().getParent()), "classes");
            List<JavaFileObject> units = new ArrayList<>();
            sources.forEach((className, source) -> units.add(new Source(className, source)));
            String classPath = codeLocation(JobProcessor.class) + java.io.File.pathSeparator
                    + codeLocation(TestPluginJars.class);
            List<String> options = new ArrayList<>(List.of("-d", out.toString(), "-classpath", classPath, "-proc:none"));
            options.addAll(extraOptions);
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            try (Writer diagnostics = new java.io.OutputStreamWriter(errors, StandardCharsets.UTF_8)) {
                if (!compiler.getTask(diagnostics, null, null, options, null, units).call()) {
                    diagnostics.flush();
                    throw new IllegalStateException("compilation failed: " + errors.toString(StandardCharsets.UTF_8));
                }
            }
            try (Stream<Path> files = Files.walk(out)) {
                for (Path classFile : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    entries.put(out.relativize(classFile).toString().replace('\\', '/'), Files.readAllBytes(classFile));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    Path build() throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream out = Files.newOutputStream(file);
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(entry.getKey()));
                jar.write(entry.getValue());
                jar.closeEntry();
            }
            if (!services.isEmpty()) {
                jar.putNextEntry(new JarEntry("META-INF/services/" + JobProcessor.class.getName()));
                jar.write(("# test processors\n" + String.join("\n", services) + "\n").getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
        return file;
    }

    /** The directory or JAR a class was loaded from. */
    static Path codeLocation(Class<?> type) {
        try {
            URI uri = type.getProtectionDomain().getCodeSource().getLocation().toURI();
            return Paths.get(uri);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String className, String code) {
            super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
