package dev.schedulerx.server.store;

/** The masters' log store on H2. */
class H2MasterLogRepositoryTest extends MasterLogRepositoryCompatibilityTest {
  @Override
  TestDatabase.Kind kind() {
    return TestDatabase.Kind.H2;
  }
}
