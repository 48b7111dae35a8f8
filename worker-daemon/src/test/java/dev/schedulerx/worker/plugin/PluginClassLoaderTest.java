package dev.schedulerx.worker.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.worker.plugin.testplugins.EchoProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginClassLoaderTest {
    @TempDir
    Path tmp;

    private final List<PluginClassLoader> loaders = new ArrayList<>();

    @AfterEach
    void closeLoaders() throws IOException {
        for (PluginClassLoader loader : loaders) {
            loader.close();
        }
    }

    private PluginClassLoader loaderFor(Path... jars) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            urls.add(jar.toUri().toURL());
        }
        PluginClassLoader loader = new PluginClassLoader("test", urls);
        loaders.add(loader);
        return loader;
    }

    @Test
    void pluginSeesItsOwnCopyOfClassesTheDaemonAlsoHas() throws Exception {
        Path jar = TestPluginJars.jar(tmp.resolve("isolated.jar"))
                .withCompiledSources(Map.of(
                        "picocli.CommandLine",
                        "package picocli; public class CommandLine { public static String origin() { return \"plugin\"; } }",
                        "com.fasterxml.jackson.databind.ObjectMapper",
                        "package com.fasterxml.jackson.databind; public class ObjectMapper {}"))
                .build();
        PluginClassLoader loader = loaderFor(jar);

        Class<?> commandLine = loader.loadClass("picocli.CommandLine");
        assertThat(commandLine).isNotSameAs(picocli.CommandLine.class);
        assertThat(commandLine.getClassLoader()).isSameAs(loader);
        assertThat(commandLine.getMethod("origin").invoke(null)).isEqualTo("plugin");

        Class<?> objectMapper = loader.loadClass("com.fasterxml.jackson.databind.ObjectMapper");
        assertThat(objectMapper).isNotSameAs(com.fasterxml.jackson.databind.ObjectMapper.class);
        assertThat(objectMapper.getClassLoader()).isSameAs(loader);
    }

    @Test
    void daemonClassesThePluginDoesNotBundleAreInvisible() throws Exception {
        PluginClassLoader loader = loaderFor(TestPluginJars.jar(tmp.resolve("empty.jar")).build());
        assertThatExceptionOfType(ClassNotFoundException.class)
                .isThrownBy(() -> loader.loadClass("picocli.CommandLine"));
        assertThatExceptionOfType(ClassNotFoundException.class)
                .isThrownBy(() -> loader.loadClass(PluginRegistry.class.getName()));
    }

    @Test
    void testClassesAreLoadedFromTheJarNotFromTheTestClassPath() throws Exception {
        PluginClassLoader loader =
                loaderFor(TestPluginJars.jar(tmp.resolve("echo.jar")).withClasses(EchoProcessor.class).build());
        Class<?> echo = loader.loadClass(EchoProcessor.class.getName());
        assertThat(echo).isNotSameAs(EchoProcessor.class);
        assertThat(echo.getClassLoader()).isSameAs(loader);
    }

    @Test
    void everyPublicPluginApiTypeIsTheDaemonsOwnClass() throws Exception {
        // a plugin that bundles its own (stale) copy of the API must still get the daemon's
        Path jar = TestPluginJars.jar(tmp.resolve("bundles-api.jar"))
                .withCompiledSources(Map.of(
                        "dev.schedulerx.api.JobProcessor", "package dev.schedulerx.api; public interface JobProcessor {}"))
                .withEntry("dev/schedulerx/api/marker.txt", "plugin copy")
                .build();
        PluginClassLoader loader = loaderFor(jar);

        List<String> apiTypes = publicApiTypeNames();
        assertThat(apiTypes).contains(JobProcessor.class.getName()).hasSizeGreaterThanOrEqualTo(8);
        for (String name : apiTypes) {
            assertThat(name).startsWith(PluginClassLoader.API_PACKAGE_PREFIX);
            Class<?> daemonType = Class.forName(name, false, JobProcessor.class.getClassLoader());
            assertThat(loader.loadClass(name)).as(name).isSameAs(daemonType);
            assertThat(Class.forName(name, false, loader)).as(name).isSameAs(daemonType);
        }
        assertThat(loader.getResource("dev/schedulerx/api/marker.txt")).isNull();
        assertThat(loader.getResource("dev/schedulerx/api/JobProcessor.class"))
                .isEqualTo(JobProcessor.class.getClassLoader().getResource("dev/schedulerx/api/JobProcessor.class"));
    }

    @Test
    void slf4jApiIsSharedWithTheDaemonEvenWhenBundled() throws Exception {
        Path jar = TestPluginJars.jar(tmp.resolve("bundles-slf4j.jar"))
                .withCompiledSources(Map.of(
                        "org.slf4j.LoggerFactory", "package org.slf4j; public class LoggerFactory {}",
                        "org.slf4j.pluginonly.Bridge", "package org.slf4j.pluginonly; public class Bridge {}"))
                .build();
        PluginClassLoader loader = loaderFor(jar);

        assertThat(loader.loadClass("org.slf4j.LoggerFactory")).isSameAs(org.slf4j.LoggerFactory.class);
        assertThat(loader.loadClass("org.slf4j.Logger")).isSameAs(org.slf4j.Logger.class);
        // what the daemon lacks under the prefix still comes from the plugin
        assertThat(loader.loadClass("org.slf4j.pluginonly.Bridge").getClassLoader()).isSameAs(loader);
    }

    @Test
    void jdkPackagesCannotBeShadowedByAPlugin() throws Exception {
        Path jar = TestPluginJars.jar(tmp.resolve("xml-apis.jar"))
                .withCompiledSourcesWithoutModules(Map.of(
                        "org.w3c.dom.Node", "package org.w3c.dom; public interface Node {}",
                        "org.w3c.dom.PluginOnly", "package org.w3c.dom; public class PluginOnly {}"))
                .build();
        PluginClassLoader loader = loaderFor(jar);

        assertThat(loader.loadClass("org.w3c.dom.Node")).isSameAs(org.w3c.dom.Node.class);
        assertThat(loader.loadClass("java.lang.String")).isSameAs(String.class);
        assertThat(loader.loadClass("java.sql.Connection")).isSameAs(java.sql.Connection.class);
        assertThat(loader.loadClass("org.w3c.dom.PluginOnly").getClassLoader()).isSameAs(loader);
    }

    @Test
    void resourcesComeFromThePluginFirst() throws Exception {
        Path jar = TestPluginJars.jar(tmp.resolve("resources.jar"))
                .withEntry("config/app.properties", "origin=plugin")
                .withEntry("META-INF/services/" + JobProcessor.class.getName(), "com.acme.Processor\n")
                .build();
        PluginClassLoader loader = loaderFor(jar);

        try (InputStream in = loader.getResourceAsStream("config/app.properties")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("origin=plugin");
        }
        // the service file is the plugin's own: the daemon's class path has none to leak in
        List<URL> services = Collections.list(loader.getResources("META-INF/services/" + JobProcessor.class.getName()));
        assertThat(services).hasSize(1);
        assertThat(services.get(0).toString()).contains("resources.jar");
    }

    @Test
    void isParallelCapableAndNamedAfterThePlugin() throws IOException {
        PluginClassLoader loader = loaderFor(TestPluginJars.jar(tmp.resolve("empty.jar")).build());
        assertThat(loader.isRegisteredAsParallelCapable()).isTrue();
        assertThat(loader.getParent()).isSameAs(ClassLoader.getPlatformClassLoader());
        assertThat(loader.getName()).isEqualTo("test");
        assertThat(loader.toString()).startsWith("PluginClassLoader[test@");
    }

    /** Public types of plugin-api, listed from wherever plugin-api was loaded (classes directory or JAR). */
    private static List<String> publicApiTypeNames() throws Exception {
        Path location = TestPluginJars.codeLocation(JobProcessor.class);
        String packagePath = PluginClassLoader.API_PACKAGE_PREFIX.replace('.', '/');
        List<String> classFiles = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location.resolve(packagePath))) {
                files.map(p -> location.relativize(p).toString().replace('\\', '/')).forEach(classFiles::add);
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                jar.stream().map(JarEntry::getName).forEach(classFiles::add);
            }
        }
        List<String> names = new ArrayList<>();
        for (String file : classFiles) {
            if (file.startsWith(packagePath) && file.endsWith(".class") && !file.endsWith("package-info.class")) {
                String name = file.substring(0, file.length() - ".class".length()).replace('/', '.');
                Class<?> type = Class.forName(name, false, JobProcessor.class.getClassLoader());
                if (java.lang.reflect.Modifier.isPublic(type.getModifiers())) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
