package dev.schedulerx.worker.container.testplugins;

import dev.schedulerx.api.JobContext;
import dev.schedulerx.api.JobProcessor;
import dev.schedulerx.api.ProcessResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

/**
 * Hangs until interrupted: in {@code Thread.sleep} when the job parameters say {@code sleep}, in {@code
 * LockSupport.park} otherwise. Writes {@code started-<taskId>} into the directory named by the instance
 * parameters when it starts and {@code ended-<taskId>} when it returns, and appends a line to {@code killed}
 * there when its kill hook runs.
 */
public final class BlockingTask implements JobProcessor {
    @Override
    public ProcessResult process(JobContext context) throws InterruptedException {
        Path dir = Path.of(context.instanceParameters());
        write(dir.resolve("started-" + context.taskId()), "started\n");
        try {
            if ("sleep".equals(context.jobParameters())) {
                Thread.sleep(600_000);
                return ProcessResult.success("woke up");
            }
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.park(this);
            }
            return ProcessResult.failure("interrupted while parked");
        } finally {
            write(dir.resolve("ended-" + context.taskId()), "ended\n");
        }
    }

    @Override
    public void kill(JobContext context) {
        write(Path.of(context.instanceParameters()).resolve("killed"), "task " + context.taskId() + "\n");
    }

    @Override
    public String name() {
        return "blocking-task";
    }

    private static void write(Path file, String line) {
        try {
            Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
