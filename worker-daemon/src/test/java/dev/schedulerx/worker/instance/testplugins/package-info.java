/**
 * Processors the instance, link and in-process integration tests package into a plugin JAR at test time
 * ({@link dev.schedulerx.worker.instance.TestPlugins}). The daemon loads its own copy of each class from that
 * JAR, so a test reaches a running processor only through JDK types (e.g. {@code Supplier}) or the file
 * system, never through static fields of the test's copy.
 */
package dev.schedulerx.worker.instance.testplugins;
