package dev.schedulerx.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.job.schedule.TimeType;
import dev.schedulerx.server.store.JobDefinition;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkerGatewayTest {
  @ParameterizedTest
  @ValueSource(strings = {"com.example.Hello", "with \"quotes\" and \\ backslash", "tab\tand\nnewline", "é中😀"})
  void submitContentIsTheJsonAJsonLibraryWrites(String processor) throws Exception {
    JobDefinition job = new JobDefinition(1, "g", "j", processor, "standalone", "", TimeType.API, "", "", 1, 0, 0, 0, 0, 1,
        true, "", "", JobDefinition.SKIP);

    assertThat(WorkerGateway.content(job)).isEqualTo(new ObjectMapper().writeValueAsString(Map.of("className", processor)));
  }

  @org.junit.jupiter.api.Test
  void aScriptJobsContentIsItsScriptAndItAlwaysHasXattrs() {
    JobDefinition shell = new JobDefinition(1, "g", "nightly", "shell", "broadcast", "", TimeType.API, "", "", 0, 0, 0, 0, 0, 1,
        true, "", "", JobDefinition.SKIP, "shell", "echo hi #{schedule.timestamp}", "", "", null, null);
    JobDefinition java = new JobDefinition(1, "g", "hello", "HelloWorld", "standalone", "", TimeType.API, "", "", 0, 0, 0, 0, 0, 1,
        true, "", "", JobDefinition.SKIP);

    assertThat(WorkerGateway.content(shell)).isEqualTo("echo hi #{schedule.timestamp}");
    assertThat(WorkerGateway.xattrs(shell)).isEqualTo("{}"); // the official worker reads ScriptJobXAttrs and fails on none
    assertThat(WorkerGateway.xattrs(java)).isEmpty();
  }
}
