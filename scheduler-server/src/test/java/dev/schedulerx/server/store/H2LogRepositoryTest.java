package dev.schedulerx.server.store;

/** The instance log store on H2. */
class H2LogRepositoryTest extends LogRepositoryCompatibilityTest {
  @Override
  TestDatabase.Kind kind() {
    return TestDatabase.Kind.H2;
  }
}
