package dev.schedulerx.server.store;

import org.junit.jupiter.api.Tag;

/** The masters' log store on Mariadb. */
@Tag("compatibility")
class MariadbMasterLogRepositoryTest extends MasterLogRepositoryCompatibilityTest {
  @Override
  TestDatabase.Kind kind() {
    return TestDatabase.Kind.MARIADB;
  }
}
