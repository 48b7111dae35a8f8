-- Log lines of job instances, as workers ship them (processor lines tagged with the instance id), served by
-- GET /api/v1/instances/{id}/logs. seq counts 1, 2, 3… per instance in commit order: the server assigns
-- MAX(seq) + 1 in the inserting transaction and the primary key refuses a racing duplicate (it retries), so a
-- reader polling "after seq N" never misses a line that commits later.
-- Rows go with their instance (ON DELETE CASCADE): purging instance history, or deleting a job, purges its logs.
-- Same placeholders as V1 (${table_options}); times are epoch milliseconds.
CREATE TABLE sx_instance_log (
    instance_id                 BIGINT        NOT NULL,
    seq                         BIGINT        NOT NULL,
    log_time                    BIGINT        NOT NULL,
    worker_id                   VARCHAR(255)  NOT NULL,
    task_id                     BIGINT        NOT NULL,
    log_level                   VARCHAR(8)    NOT NULL,
    logger_name                 VARCHAR(255)  NOT NULL,
    message                     VARCHAR(4000) NOT NULL,
    CONSTRAINT pk_sx_instance_log PRIMARY KEY (instance_id, seq),
    CONSTRAINT fk_sx_instance_log_instance FOREIGN KEY (instance_id) REFERENCES sx_job_instance (id) ON DELETE CASCADE
) ${table_options};
