/**
 * Processors that the plugin tests package into JARs at test time. They are compiled on the test class path,
 * but a plugin class loader loads its own copy from the test JAR (this package is not shared with the
 * daemon), so each test JAR gets distinct classes.
 */
package dev.schedulerx.worker.plugin.testplugins;
