package dev.schedulerx.worker.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schedulerx.worker.task.TaskBodyCodec.Shard;
import org.junit.jupiter.api.Test;

class ShardingParametersTest {
  @Test
  void pairsAreSeparatedByCommasOrLineBreaksAndBlankEntriesAreSkipped() {
    assertThat(ShardingParameters.parse("0=a, 1 = b\r\n\n2=c=d,", ""))
        .containsExactly(new Shard(0, "a"), new Shard(1, "b"), new Shard(2, "c=d"));
  }

  @Test
  void theRunsParametersWinOverTheJobsUnlessBlank() {
    assertThat(ShardingParameters.parse("0=job", "9=run")).containsExactly(new Shard(9, "run"));
    assertThat(ShardingParameters.parse("0=job", " ")).containsExactly(new Shard(0, "job"));
  }

  @Test
  void anEmptyParameterIsAllowed() {
    assertThat(ShardingParameters.parse("4=", "")).containsExactly(new Shard(4, ""));
  }

  @Test
  void mistakesAreNamed() {
    assertThatThrownBy(() -> ShardingParameters.parse("", ""))
        .hasMessage("no sharding parameters: give the job (or the run) id=value pairs, e.g. 0=a,1=b,2=c");
    assertThatThrownBy(() -> ShardingParameters.parse("0=a,b", ""))
        .hasMessage("sharding parameter \"b\" is not id=value (e.g. 0=a,1=b,2=c)");
    assertThatThrownBy(() -> ShardingParameters.parse("x=a", ""))
        .hasMessage("sharding id \"x\" in \"x=a\" is not a whole number (e.g. 0=a,1=b,2=c)");
    assertThatThrownBy(() -> ShardingParameters.parse("1=a,1=b", ""))
        .hasMessage("sharding id 1 is given twice");
  }
}
