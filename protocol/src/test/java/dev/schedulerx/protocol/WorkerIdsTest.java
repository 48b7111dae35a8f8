package dev.schedulerx.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkerIdsTest {
  @Test
  void anIdIsTheZeroPaddedAddressThePidAndASuffixOfAtMostFiveDigits() {
    assertThat(WorkerIds.create("127.0.0.1", 4711, 38215)).isEqualTo("127000000001_4711_38215");
    assertThat(WorkerIds.create("10.2.30.255", 9, 1_234_567)).isEqualTo("010002030255_9_34567");
  }

  @Test
  void aHostThatIsNotIpv4CountsAsLoopback() {
    assertThat(WorkerIds.paddedIpv4("::1")).isEqualTo("127000000001");
  }
}
