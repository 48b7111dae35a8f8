package dev.schedulerx.server.store;

import org.junit.jupiter.api.Tag;

/** The masters' log store on Postgresql. */
@Tag("compatibility")
class PostgresqlMasterLogRepositoryTest extends MasterLogRepositoryCompatibilityTest {
  @Override
  TestDatabase.Kind kind() {
    return TestDatabase.Kind.POSTGRESQL;
  }
}
