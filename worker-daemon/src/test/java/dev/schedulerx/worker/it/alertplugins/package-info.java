/**
 * Processors of the alerting tests, packed into their own plugin JAR at test time (as the {@code instance.testplugins}
 * ones are): the daemon runs its own copy of each class.
 */
package dev.schedulerx.worker.it.alertplugins;
