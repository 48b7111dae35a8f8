-- Master resume (issue 15). The master of a Map/MapReduce/sharding instance writes behind an append-only log of
-- its decisions (sub-tasks created with their bodies, final statuses with results) in segments of up to ~100 KB,
-- one row each. When the master dies the server raises master_epoch (a compare-and-set) and hands the instance to
-- another worker, which replays the segments of the earlier epochs. An append is stored only while its epoch is
-- the instance's current one (checked under the instance row's lock), so a deposed master cannot add to the log.
-- The rows go when the instance ends.
ALTER TABLE sx_job_instance ADD COLUMN master_epoch INT DEFAULT 0 NOT NULL;

CREATE TABLE sx_master_log (
    instance_id                 BIGINT          NOT NULL,
    epoch                       INT             NOT NULL,
    seq                         BIGINT          NOT NULL,
    segment                     ${large_binary} NOT NULL,
    PRIMARY KEY (instance_id, epoch, seq)
) ${table_options};
