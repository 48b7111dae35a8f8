package dev.schedulerx.server.store;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The masters' log store with H2 as a server node uses it: epochs in the database, segments as files. */
class H2FilesMasterLogRepositoryTest extends MasterLogRepositoryCompatibilityTest {
  @TempDir Path dir;

  @Override
  TestDatabase.Kind kind() {
    return TestDatabase.Kind.H2;
  }

  @Override
  MasterLogRepository repository() throws Exception {
    return new MasterLogRepository(db.dataSource(), Files.createTempDirectory(dir, "master-log"));
  }
}
