package dev.schedulerx.server.store;

import org.junit.jupiter.api.Tag;

/** The store on this machine's MariaDB, in a throwaway database. */
@Tag("compatibility")
class MariadbCompatibilityTest extends StoreCompatibilityTest {
  @Override
  TestDatabase createDatabase() {
    return TestDatabase.create(TestDatabase.Kind.MARIADB);
  }

  @Override
  String[] refusedCredentials(TestDatabase db) {
    return new String[] {db.user(), "wrong-one"};
  }
}
