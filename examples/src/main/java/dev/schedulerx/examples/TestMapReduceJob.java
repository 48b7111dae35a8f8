package dev.schedulerx.examples;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapReduceJobProcessor;
import dev.schedulerx.api.ProcessResult;
import dev.schedulerx.api.TaskStatus;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MapReduce example: the root task maps N orders {@code OrderInfo("id_i", i)} under the name
 * {@value #ORDER_INFO}, each sub-task returns its order's value, and reduce adds up the values of the
 * sub-tasks that succeeded (1 + 2 + … + N).
 *
 * <p>N is taken from the instance parameters if set, else from the job parameters, else 1000.
 */
public final class TestMapReduceJob implements MapReduceJobProcessor {
    private static final System.Logger LOG = System.getLogger(TestMapReduceJob.class.getName());
    private static final String ORDER_INFO = "OrderInfo";
    private static final int DEFAULT_COUNT = 1000;
    private static final long ROOT_TASK_ID = 0;

    @Override
    public ProcessResult process(JobContext context) {
        if (isRootTask(context)) {
            return mapOrders(context);
        }
        if (ORDER_INFO.equals(context.taskName())) {
            OrderInfo order = context.task(OrderInfo.class);
            LOG.log(Level.DEBUG, "task {0}: {1}", context.taskId(), order);
            return ProcessResult.success(Integer.toString(order.value()));
        }
        return ProcessResult.failure("unknown task name: " + context.taskName());
    }

    @Override
    public ProcessResult reduce(JobContext context) {
        Map<Long, TaskStatus> statuses = context.taskStatuses();
        long sum = 0;
        for (Map.Entry<Long, String> entry : context.taskResults().entrySet()) {
            if (entry.getKey() != ROOT_TASK_ID && statuses.get(entry.getKey()) == TaskStatus.SUCCESS) {
                sum += Long.parseLong(entry.getValue().trim());
            }
        }
        LOG.log(Level.INFO, "reduce of job instance {0} over {1} tasks: sum={2}",
                context.jobInstanceId(), context.taskResults().size(), sum);
        return ProcessResult.success(Long.toString(sum));
    }

    private ProcessResult mapOrders(JobContext context) {
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
            return ProcessResult.failure("parameters must be a positive number of orders, got: " + parameters);
        }
        LOG.log(Level.INFO, "root task of job instance {0}: mapping {1} orders", context.jobInstanceId(), count);
        List<OrderInfo> orders = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            orders.add(new OrderInfo("id_" + i, i));
        }
        return map(context, orders, ORDER_INFO);
    }
}
