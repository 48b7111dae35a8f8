/**
 * Processors the instance-log tests package into a plugin JAR at test time; the daemon loads its own copy
 * of each class from that JAR.
 */
package dev.schedulerx.worker.logs.testplugins;
