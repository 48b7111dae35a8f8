-- Max concurrent instances: skip or queue. A job's concurrency_policy says what a trigger beyond
-- max_concurrency does: 'skip' (the run is recorded SKIPPED, as before) or 'queue' (the run is stored WAITING
-- with queued = TRUE and starts, oldest first, when a running instance of the job ends). The queue lives only in
-- these rows, so it survives a restart and a change of leader. Portable DDL for H2, PostgreSQL and MariaDB.
ALTER TABLE sx_job ADD COLUMN concurrency_policy VARCHAR(8) DEFAULT 'skip' NOT NULL;
ALTER TABLE sx_job_instance ADD COLUMN queued BOOLEAN DEFAULT FALSE NOT NULL;
CREATE INDEX ix_sx_job_instance_queue ON sx_job_instance (queued, job_id);
