package dev.schedulerx.worker.container.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.MapJobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The root task maps N strings {@code item-1} … {@code item-N} under the name {@code Level1}, where N is the
 * job parameters; instance parameters {@code empty} map an empty list, {@code huge} one 70,000-character
 * string. Sub-tasks succeed with their body.
 */
public final class MappingTask implements MapJobProcessor {
    public static final String LEVEL1 = "Level1";

    @Override
    public ProcessResult process(JobContext context) {
        if (!isRootTask(context)) {
            return ProcessResult.success(context.task(String.class));
        }
        List<Object> items = new ArrayList<>();
        switch (context.instanceParameters()) {
            case "empty" -> { }
            case "huge" -> {
                items.add("small");
                items.add("x".repeat(70_000));
            }
            default -> {
                int count = Integer.parseInt(context.jobParameters().trim());
                for (int i = 1; i <= count; i++) {
                    items.add("item-" + i);
                }
            }
        }
        return map(context, items, LEVEL1);
    }

    @Override
    public String name() {
        return "mapping-task";
    }
}
