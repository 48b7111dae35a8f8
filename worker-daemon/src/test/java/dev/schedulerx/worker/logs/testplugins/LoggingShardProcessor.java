package dev.schedulerx.worker.logs.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A sharding processor: every shard logs "shard &lt;id&gt; of &lt;count&gt;: &lt;parameter&gt;" through SLF4J. */
public final class LoggingShardProcessor implements JobProcessor {
    private static final Logger log = LoggerFactory.getLogger(LoggingShardProcessor.class);

    @Override
    public ProcessResult process(JobContext context) {
        log.info("shard {} of {}: {}", context.shardingId(), context.shardingNum(), context.shardingParameter());
        return ProcessResult.success(context.shardingParameter());
    }

    @Override
    public String name() {
        return "LoggingShard";
    }
}
