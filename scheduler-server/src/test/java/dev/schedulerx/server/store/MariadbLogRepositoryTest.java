package dev.schedulerx.server.store;

import org.junit.jupiter.api.Tag;

/** The instance log store on MariaDB. */
@Tag("compatibility")
class MariadbLogRepositoryTest extends LogRepositoryCompatibilityTest {
  @Override
  TestDatabase.Kind kind() {
    return TestDatabase.Kind.MARIADB;
  }
}
