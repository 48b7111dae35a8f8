package dev.schedulerx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.api.InstanceStatus;
import dev.schedulerx.testkit.ExecuteMode;
import dev.schedulerx.testkit.RunResult;
import dev.schedulerx.testkit.SchedulerxCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The four examples on three in-JVM workers and an in-memory server, through the testkit. */
class ExamplesOnThreeWorkersTest {
    @RegisterExtension
    static final SchedulerxCluster cluster = SchedulerxCluster.withWorkers(3);

    @Test
    void helloWorldGreetsItsInstanceParameters() {
        RunResult r = cluster.run(new HelloWorld(), "testkit");

        assertThat(r.status()).isEqualTo(InstanceStatus.SUCCESS);
        assertThat(r.result()).isEqualTo("hello testkit");
        assertThat(cluster.workerIds()).contains(r.master());
    }

    @Test
    void helloWorldAskedToFailFailsWithItsMessage() {
        RunResult r = cluster.run(HelloWorld.class, ExecuteMode.STANDALONE, "fail");

        assertThat(r.status()).isEqualTo(InstanceStatus.FAILED);
        assertThat(r.result()).isEqualTo("HelloWorld was asked to fail");
    }

    @Test
    void broadcastRunsOnceOnEveryWorkerAndSumsTheirDraws() {
        RunResult r = cluster.run(new TestBroadcast(), ExecuteMode.BROADCAST, "");

        assertThat(r.status()).isEqualTo(InstanceStatus.SUCCESS);
        assertThat(Integer.parseInt(r.result())).as("three draws of 0..9").isBetween(0, 27);
        assertThat(r.tasksPerWorker()).hasSize(3).allSatisfy((worker, tasks) -> assertThat(tasks).isEqualTo(1));
    }

    @Test
    void mapJobFailsBecauseOfId5AndSaysHowManySubTasksFailed() {
        RunResult r = cluster.run(new TestMapJob(), ExecuteMode.MAP, "20");

        assertThat(r.status()).isEqualTo(InstanceStatus.FAILED);
        assertThat(r.result()).startsWith("1 of 20 sub-tasks failed").contains("id_5");
        assertThat(r.tasksPerWorker().values().stream().mapToInt(Integer::intValue).sum()).as("20 sub-tasks and the root task").isEqualTo(21);
    }

    @Test
    void mapReduceSumsOneToAThousandOverAllThreeWorkers() {
        RunResult r = cluster.run(new TestMapReduceJob(), ExecuteMode.MAP_REDUCE, "1000");

        assertThat(r.status()).isEqualTo(InstanceStatus.SUCCESS);
        assertThat(r.result()).isEqualTo("500500");
        assertThat(r.tasksPerWorker()).hasSize(3);
    }
}
