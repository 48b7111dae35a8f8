package dev.schedulerx.common.embedded;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.schedulerx.common.config.ConfigError;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EmbeddedServerTest {
  @Test
  void aDaemonWithoutTheServerModuleIsToldWhichModuleIsMissingAndHowToJoinAnotherServer() {
    // This module's class path has no server: the daemon of a worker-only distribution would see the same.
    assertThatThrownBy(() -> EmbeddedServer.start(ConfigFactory.empty(), Path.of("."), EmbeddedServerTest.class.getClassLoader()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("schedulerx-scheduler-server")
        .hasMessageContaining("schedulerx.server.embedded = false");
  }
}
