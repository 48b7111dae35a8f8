package dev.schedulerx.server.store;

import org.junit.jupiter.api.Tag;

/** The store on this machine's PostgreSQL, in a throwaway schema. */
@Tag("compatibility")
class PostgresqlCompatibilityTest extends StoreCompatibilityTest {
  @Override
  TestDatabase createDatabase() {
    return TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
  }

  /** Local connections may use trust authentication, where any password passes: an unknown role never does. */
  @Override
  String[] refusedCredentials(TestDatabase db) {
    return new String[] {"sx_no_such_role", "wrong-one"};
  }
}
