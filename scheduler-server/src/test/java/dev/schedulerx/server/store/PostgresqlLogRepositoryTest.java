package dev.schedulerx.server.store;

import org.junit.jupiter.api.Tag;

/** The instance log store on PostgreSQL. */
@Tag("compatibility")
class PostgresqlLogRepositoryTest extends LogRepositoryCompatibilityTest {
  @Override
  TestDatabase.Kind kind() {
    return TestDatabase.Kind.POSTGRESQL;
  }
}
