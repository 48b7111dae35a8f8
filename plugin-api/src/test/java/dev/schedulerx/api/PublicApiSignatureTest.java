package dev.schedulerx.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Guards the plugin API: every public type, constructor, method and field of {@code dev.schedulerx.api} must
 * match the golden file {@code src/test/resources/api-signatures.txt}. Plugins are compiled against this
 * package, so any change to it is a change for every plugin author.
 */
class PublicApiSignatureTest {
    private static final String PACKAGE = "dev.schedulerx.api";
    private static final String GOLDEN = "/api-signatures.txt";

    @Test
    void publicApiMatchesGoldenFile() throws Exception {
        List<String> actual = describePublicApi();
        List<String> expected = readGolden();
        if (!actual.equals(expected)) {
            Path written = Paths.get("target", "api-signatures.actual.txt");
            Files.createDirectories(written.getParent());
            Files.write(written, actual, StandardCharsets.UTF_8);
            List<String> added = new ArrayList<>(actual);
            added.removeAll(expected);
            List<String> removed = new ArrayList<>(expected);
            removed.removeAll(actual);
            fail("The public plugin API (package " + PACKAGE + ") differs from src/test/resources/api-signatures.txt.\n"
                    + "Plugins are compiled against this API, so a change must be intentional: if it is, copy "
                    + written.toAbsolutePath() + " over the golden file and describe the change in the changelog "
                    + "(removals and changed signatures break existing plugins; prefer adding default methods).\n"
                    + "added:\n  " + String.join("\n  ", added) + "\nremoved:\n  " + String.join("\n  ", removed));
        }
    }

    @Test
    void everyPublicTypeHasBeenFound() throws Exception {
        // guards the class scan itself: these types must be part of the listing
        assertThat(publicTypes())
                .contains(JobProcessor.class, JobContext.class, ProcessResult.class, InstanceStatus.class,
                        TaskStatus.class, BroadcastProcessor.class, MapJobProcessor.class,
                        MapReduceJobProcessor.class);
    }

    private static List<String> describePublicApi() throws IOException, URISyntaxException {
        List<String> lines = new ArrayList<>();
        for (Class<?> type : publicTypes()) {
            lines.add(describeType(type));
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (Modifier.isPublic(c.getModifiers()) && !c.isSynthetic()) {
                    lines.add("  " + c.toGenericString());
                }
            }
            for (Field f : type.getDeclaredFields()) {
                if (Modifier.isPublic(f.getModifiers()) && !f.isSynthetic()) {
                    lines.add("  " + f.toGenericString());
                }
            }
            for (Method m : type.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                    lines.add("  " + m.toGenericString());
                }
            }
        }
        // sort within each type, keep types in name order
        List<String> sorted = new ArrayList<>();
        List<String> members = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("  ")) {
                members.add(line);
            } else {
                members.sort(null);
                sorted.addAll(members);
                members.clear();
                sorted.add(line);
            }
        }
        members.sort(null);
        sorted.addAll(members);
        return sorted;
    }

    private static String describeType(Class<?> type) {
        String supertypes = Stream.concat(
                        Stream.ofNullable(type.getGenericSuperclass())
                                .filter(t -> t != Object.class)
                                .map(t -> "extends " + t.getTypeName()),
                        Arrays.stream(type.getGenericInterfaces())
                                .map(t -> (type.isInterface() ? "extends " : "implements ") + t.getTypeName()))
                .collect(Collectors.joining(" "));
        // the INTERFACE bit would print as a modifier; kind() names it instead
        return Modifier.toString(type.getModifiers() & ~Modifier.INTERFACE) + " " + kind(type) + " " + type.getName()
                + (supertypes.isEmpty() ? "" : " " + supertypes);
    }

    private static String kind(Class<?> type) {
        if (type.isAnnotation()) {
            return "@interface";
        }
        if (type.isInterface()) {
            return "interface";
        }
        if (type.isEnum()) {
            return "enum";
        }
        if (type.isRecord()) {
            return "record";
        }
        return "class";
    }

    /** Public top-level and nested types of the package, found by listing the compiled classes. */
    private static List<Class<?>> publicTypes() throws IOException, URISyntaxException {
        Path root = Paths.get(JobProcessor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path dir = root.resolve(PACKAGE.replace('.', '/'));
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".class") || name.equals("package-info.class")) {
                    continue;
                }
                Class<?> type = load(PACKAGE + "." + name.substring(0, name.length() - ".class".length()));
                if (isPubliclyVisible(type)) {
                    types.add(type);
                }
            }
        }
        types.sort((a, b) -> a.getName().compareTo(b.getName()));
        return types;
    }

    private static boolean isPubliclyVisible(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (!Modifier.isPublic(c.getModifiers()) || c.isAnonymousClass() || c.isSynthetic()) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, PublicApiSignatureTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> readGolden() throws IOException {
        try (InputStream in = PublicApiSignatureTest.class.getResourceAsStream(GOLDEN)) {
            if (in == null) {
                return List.of();
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .collect(Collectors.toList());
        }
    }
}
