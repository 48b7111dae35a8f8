package dev.schedulerx.examples;

import dev.schedulerx.api.BroadcastProcessor;
import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Broadcast example: every worker draws a random number from 0 to 9, and the master adds up the numbers of
 * the workers that succeeded.
 */
public final class TestBroadcast implements BroadcastProcessor {
    private static final System.Logger LOG = System.getLogger(TestBroadcast.class.getName());

    /** Runs on every worker. */
    @Override
    public ProcessResult process(JobContext context) {
        int value = ThreadLocalRandom.current().nextInt(10);
        LOG.log(Level.INFO, "sharding {0} of {1}: value={2}", context.shardingId(), context.shardingNum(), value);
        return ProcessResult.success(Integer.toString(value));
    }

    /** Runs once on the master, before the workers. */
    @Override
    public void preProcess(JobContext context) {
        LOG.log(Level.INFO, "preProcess of job instance {0}", context.jobInstanceId());
    }

    /** Runs once on the master, after every worker finished. */
    @Override
    public ProcessResult postProcess(JobContext context) {
        Map<Long, TaskStatus> statuses = context.taskStatuses();
        long sum = 0;
        for (Map.Entry<Long, String> entry : context.taskResults().entrySet()) {
            LOG.log(Level.DEBUG, "task {0}: {1}", entry.getKey(), entry.getValue());
            if (statuses.get(entry.getKey()) == TaskStatus.SUCCESS) {
                sum += Long.parseLong(entry.getValue().trim());
            }
        }
        LOG.log(Level.INFO, "postProcess of job instance {0}: sum={1}", context.jobInstanceId(), sum);
        return ProcessResult.success(Long.toString(sum));
    }
}
