package dev.schedulerx.worker.plugin;

import static java.util.Objects.requireNonNull;

import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single gate into user code: every call of a processor method goes through here.
 *
 * <p>Around each call it sets the thread context class loader to the plugin's loader and restores the
 * previous one afterwards. Whatever the processor throws becomes a FAILED {@link ProcessResult} instead of
 * escaping, except fatal errors ({@link VirtualMachineError}s other than {@link StackOverflowError}, and
 * {@link ThreadDeath}), which are rethrown. The result text of such a failure is:
 *
 * <ul>
 *   <li>the exception's message, if it is an {@link Exception} with a non-blank message (what the processor
 *       author wrote, e.g. {@code HelloWorld was asked to fail});
 *   <li>{@code SimpleName: message} for an {@link Error} with a message (e.g. {@code NoClassDefFoundError:
 *       com/acme/Missing});
 *   <li>the simple class name when there is no message (e.g. {@code UnsupportedOperationException}).
 * </ul>
 *
 * Long texts are shortened by {@link ProcessResult}. An {@link InterruptedException} also restores the
 * thread's interrupt flag. The stack trace of the first failure of each kind (processor and exception
 * class) is logged at WARN, since the result only carries one line; later failures of that kind log one
 * line. Callers put job and instance ids into the logging MDC.
 *
 * <p>The invoker does not choose threads: callers run it on a dedicated executor, never on an actor
 * dispatcher. Its only state is which failure kinds it has shown a stack trace for; one daemon shares one.
 */
public final class ProcessorInvoker {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorInvoker.class);

    /** Result text when a processor returns null where a result is required. */
    public static final String NO_RESULT = "processor returned no result";

    /** A call of a processor method that yields a result, e.g. {@code p -> p.process(context)}. */
    @FunctionalInterface
    public interface Call {
        /**
         * Calls the processor.
         *
         * @param processor the processor
         * @return its result, possibly null
         * @throws Exception whatever the processor throws
         */
        ProcessResult call(JobProcessor processor) throws Exception;
    }

    /** A call of a processor method without result, e.g. {@code p -> p.kill(context)}. */
    @FunctionalInterface
    public interface Hook {
        /**
         * Calls the processor.
         *
         * @param processor the processor
         * @throws Exception whatever the processor throws
         */
        void run(JobProcessor processor) throws Exception;
    }

    /** A call of a processor method that answers a question, e.g. {@code p -> p.runReduceIfFail(context)}. */
    @FunctionalInterface
    public interface Query<T> {
        /**
         * Calls the processor.
         *
         * @param processor the processor
         * @return the answer
         * @throws Exception whatever the processor throws
         */
        T ask(JobProcessor processor) throws Exception;
    }

    /**
     * Failure kinds (processor and exception class) whose stack trace was logged: a job whose every task
     * fails the same way must not flood the log with identical traces.
     */
    private final Set<String> stackTracesShown = ConcurrentHashMap.newKeySet();
    private static final int MAX_STACK_TRACE_KINDS = 1_000;

    /** Creates an invoker. */
    public ProcessorInvoker() {}

    /**
     * Calls a processor method that must produce a result ({@code process}, {@code reduce}).
     *
     * @param processor the processor to call
     * @param call what to call on it
     * @return the processor's result; FAILED if it threw or returned null ({@value #NO_RESULT})
     */
    public ProcessResult invoke(LoadedProcessor processor, Call call) {
        requireNonNull(call, "call");
        Optional<ProcessResult> result = invokeAllowingNoResult(processor, call);
        return result.orElseGet(() -> ProcessResult.failure(NO_RESULT));
    }

    /**
     * Calls a processor method whose null result has a meaning ({@code postProcess}: keep the outcome).
     *
     * @param processor the processor to call
     * @param call what to call on it
     * @return the processor's result, empty if it returned null, FAILED if it threw
     */
    public Optional<ProcessResult> invokeAllowingNoResult(LoadedProcessor processor, Call call) {
        requireNonNull(call, "call");
        return Optional.ofNullable(guarded(processor, call::call, ProcessResult::failure));
    }

    /**
     * Calls a processor method without result ({@code preProcess}, {@code kill}).
     *
     * @param processor the processor to call
     * @param hook what to call on it
     * @return SUCCESS with an empty text if it returned, FAILED if it threw
     */
    public ProcessResult run(LoadedProcessor processor, Hook hook) {
        requireNonNull(hook, "hook");
        return guarded(processor, p -> {
            hook.run(p);
            return ProcessResult.success();
        }, ProcessResult::failure);
    }

    /**
     * Asks a processor a question ({@code runReduceIfFail}), falling back to a default if it throws or answers
     * null.
     *
     * @param processor the processor to ask
     * @param query what to ask
     * @param fallback the answer used when the processor fails
     * @param <T> the answer type
     * @return the processor's answer, or {@code fallback}
     */
    public <T> T ask(LoadedProcessor processor, Query<T> query, T fallback) {
        requireNonNull(query, "query");
        T answer = guarded(processor, query, description -> fallback);
        return answer == null ? fallback : answer;
    }

    /**
     * Runs {@code body} with the plugin's loader as TCCL; if it throws, returns {@code onFailure} applied to
     * the one-line description of the throwable.
     */
    private <T> T guarded(LoadedProcessor processor, Query<T> body, Function<String, T> onFailure) {
        requireNonNull(processor, "processor");
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(processor.classLoader());
        try {
            return body.ask(processor.processor());
        } catch (Throwable t) {
            Failures.rethrowIfFatal(t);
            if (t instanceof InterruptedException) {
                thread.interrupt();
            }
            String description = Failures.describe(t);
            if (stackTracesShown.size() < MAX_STACK_TRACE_KINDS && stackTracesShown.add(processor.name() + "/" + t.getClass().getName())) {
                LOG.warn("processor {} failed: {} (first {} of this processor; later ones are logged without the stack trace)",
                        processor.name(), description, t.getClass().getSimpleName(), t);
            } else {
                LOG.warn("processor {} failed: {}", processor.name(), description);
            }
            return onFailure.apply(description);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
