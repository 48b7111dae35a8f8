/**
 * Processors the container tests package into a plugin JAR at test time. The plugin class loader loads its
 * own copy of them, so they talk to the tests only through results and files, never through static state.
 */
package dev.schedulerx.worker.container.testplugins;
