/**
 * The API that SchedulerX processor plugins compile against, and nothing else.
 *
 * <p>A plugin is a JAR dropped into the daemon's {@code plugins/} directory. It contains classes implementing
 * one of the processor interfaces and lists them in {@code META-INF/services/dev.schedulerx.api.JobProcessor}:
 *
 * <ul>
 *   <li>{@link dev.schedulerx.api.JobProcessor}: standalone jobs, one task on one worker;
 *   <li>{@link dev.schedulerx.api.BroadcastProcessor}: one task on every worker, with a pre- and post-step on
 *       the master;
 *   <li>{@link dev.schedulerx.api.MapJobProcessor}: a root task splits the work into sub-tasks spread over
 *       the group;
 *   <li>{@link dev.schedulerx.api.MapReduceJobProcessor}: the same plus a final reduce step.
 * </ul>
 *
 * <p>Each call receives a {@link dev.schedulerx.api.JobContext} and returns a
 * {@link dev.schedulerx.api.ProcessResult}; a thrown exception counts as a failure. A job names its
 * processor by {@link dev.schedulerx.api.JobProcessor#name()} or by fully qualified class name.
 *
 * <p>Each plugin JAR gets its own class loader, so it may bundle any library versions it needs; only this
 * package (and the SLF4J API, so that plugin logs reach the daemon's log files) is shared with the daemon.
 * This package depends on the JDK only and only grows: new methods arrive as default methods, so a plugin
 * built against an older version keeps working.
 */
package dev.schedulerx.api;
