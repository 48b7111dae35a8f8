package dev.schedulerx.server.store;

import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * What the store tests of instance-bound data share: one throwaway database per test class (its kind from the
 * subclass), emptied before each test down to one job {@code j} of group {@code g} to create instances of.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OneJobOnEachDatabase {
  TestDatabase db;
  InstanceRepository instances;
  long jobId;

  abstract TestDatabase.Kind kind();

  @BeforeAll
  void openDatabase() {
    db = TestDatabase.create(kind());
  }

  @AfterAll
  void dropDatabase() throws SQLException {
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void emptyTables() throws SQLException {
    db.clear();
    instances = new InstanceRepository(db.dataSource());
    jobId = new JobRepository(db.dataSource()).upsert(Jobs.cron("g", "j")).id();
  }
}
