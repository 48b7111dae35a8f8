package dev.schedulerx.server.store;

/** The store on an in-memory H2, the embedded server's default database. */
class H2CompatibilityTest extends StoreCompatibilityTest {
  @Override
  TestDatabase createDatabase() {
    return TestDatabase.create(TestDatabase.Kind.H2);
  }

  @Override
  String[] refusedCredentials(TestDatabase db) {
    return new String[] {db.user(), "wrong-one"};
  }
}
