package dev.schedulerx.worker.logs.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapJobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.util.List;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps 1..N (N = job parameters); every task logs one line through SLF4J naming its task id. */
public final class LoggingMapProcessor implements MapJobProcessor {
    private static final Logger log = LoggerFactory.getLogger(LoggingMapProcessor.class);

    @Override
    public ProcessResult process(JobContext context) {
        if (context.isRootTask()) {
            log.info("root task {} maps {} values", context.taskId(), context.jobParameters());
            List<Integer> values = IntStream.rangeClosed(1, Integer.parseInt(context.jobParameters())).boxed().toList();
            return map(context, values, "Value");
        }
        log.info("sub-task {} got value {}", context.taskId(), context.task(Integer.class));
        return ProcessResult.success("");
    }

    @Override
    public String name() {
        return "LoggingMap";
    }
}
