package dev.schedulerx.examples;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapJobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Map example: the root task splits the work into N sub-tasks {@code "id_1"} … {@code "id_N"}, named
 * {@value #LEVEL1}; each sub-task handles one id. The sub-task for {@code "id_5"} fails on purpose, so the
 * instance ends FAILED and shows what a partial failure looks like.
 *
 * <p>N is taken from the instance parameters if set, else from the job parameters, else 100.
 */
public final class TestMapJob implements MapJobProcessor {
    private static final System.Logger LOG = System.getLogger(TestMapJob.class.getName());
    private static final String LEVEL1 = "Level1Dispatch";
    private static final int DEFAULT_COUNT = 100;
    /** The Go example sleeps 100 ms per sub-task; 10 ms keeps tests of the example fast. */
    private static final long WORK_MILLIS = 10;

    @Override
    public ProcessResult process(JobContext context) throws InterruptedException {
        if (isRootTask(context)) {
            return mapIds(context);
        }
        if (LEVEL1.equals(context.taskName())) {
            String id = context.task(String.class);
            LOG.log(Level.DEBUG, "task {0}: {1}", context.taskId(), id);
            Thread.sleep(WORK_MILLIS);
            if ("id_5".equals(id)) {
                return ProcessResult.failure(id);
            }
            return ProcessResult.success(id);
        }
        return ProcessResult.failure("unknown task name: " + context.taskName());
    }

    private ProcessResult mapIds(JobContext context) {
        String parameters = !context.instanceParameters().isEmpty()
                ? context.instanceParameters()
                : context.jobParameters();
        int count;
        try {
            count = parameters.isBlank() ? DEFAULT_COUNT : Integer.parseInt(parameters.trim());
        } catch (NumberFormatException e) {
            count = 0; // not a number: rejected just below
        }
        if (count < 1) {
            return ProcessResult.failure("parameters must be a positive number of sub-tasks, got: " + parameters);
        }
        LOG.log(Level.INFO, "root task of job instance {0}: mapping {1} ids", context.jobInstanceId(), count);
        List<String> ids = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            ids.add("id_" + i);
        }
        return map(context, ids, LEVEL1);
    }
}
