package dev.schedulerx.examples;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * Standalone example: waits a moment, then greets whoever the parameters name.
 *
 * <p>The result is {@code "hello <name>"}, where the name is the instance parameters if set, else the job
 * parameters if set, else {@code "world"}. The parameter {@code fail} makes it throw, which shows how a
 * failing processor looks in the console.
 */
public final class HelloWorld implements JobProcessor {
    private static final System.Logger LOG = System.getLogger(HelloWorld.class.getName());

    /** The Go example sleeps 3 s to mimic work; one second is enough for a demo and keeps tests quick. */
    private static final Duration WORK = Duration.ofSeconds(1);

    @Override
    public ProcessResult process(JobContext context) throws Exception {
        String parameters = !context.instanceParameters().isEmpty()
                ? context.instanceParameters()
                : context.jobParameters();
        if (parameters.equals("fail")) {
            throw new IllegalStateException("HelloWorld was asked to fail");
        }
        String name = parameters.isEmpty() ? "world" : parameters;
        LOG.log(Level.INFO, "start of job instance {0}: hello {1}", context.jobInstanceId(), name);
        Thread.sleep(WORK.toMillis());
        LOG.log(Level.INFO, "end of job instance {0}", context.jobInstanceId());
        return ProcessResult.success("hello " + name);
    }
}
