-- What the SchedulerX OpenAPI clients send and read back (OPENAPI.md): a job's type and content (scripts, HTTP
-- requests), its monitor settings and contacts as the client's JSON texts, priority and designated workers; app
-- groups and namespaces kept as data (seeded from the server config at start); the audit trail of changes.
-- Same placeholders as V1.

ALTER TABLE sx_job ADD COLUMN job_type VARCHAR(16) DEFAULT 'java' NOT NULL;
ALTER TABLE sx_job ADD COLUMN content ${large_text};
ALTER TABLE sx_job ADD COLUMN monitor_config ${large_text};
ALTER TABLE sx_job ADD COLUMN contact ${large_text};
ALTER TABLE sx_job ADD COLUMN priority INT;
-- 0 any worker, 1 the listed worker addresses, 2 workers with one of the listed labels (one per line)
ALTER TABLE sx_job ADD COLUMN designate_type INT DEFAULT 0 NOT NULL;
ALTER TABLE sx_job ADD COLUMN designate_transferable BOOLEAN DEFAULT TRUE NOT NULL;
ALTER TABLE sx_job ADD COLUMN designate_targets ${large_text};

CREATE TABLE sx_namespace (
    uid                         VARCHAR(128)  NOT NULL PRIMARY KEY,
    name                        VARCHAR(255)  NOT NULL,
    description                 VARCHAR(1000),
    source                      VARCHAR(64),
    created_at                  BIGINT        NOT NULL
) ${table_options};

-- app_key guards who may join and sign OpenAPI calls; group_id is unique across namespaces, as workers and the
-- OpenAPI name a group by group_id alone.
CREATE TABLE sx_app_group (
    id                          ${id_type} PRIMARY KEY,
    group_id                    VARCHAR(128)  NOT NULL,
    namespace_uid               VARCHAR(128)  NOT NULL,
    app_name                    VARCHAR(255)  NOT NULL,
    app_key                     VARCHAR(255)  NOT NULL,
    description                 VARCHAR(1000),
    max_jobs                    INT           NOT NULL,
    max_concurrency             INT           NOT NULL,
    monitor_config              ${large_text},
    contact                     ${large_text},
    alarm_json                  ${large_text},
    metrics_threshold_json      ${large_text},
    created_at                  BIGINT        NOT NULL,
    updated_at                  BIGINT        NOT NULL,
    CONSTRAINT uq_sx_app_group_group_id UNIQUE (group_id)
) ${table_options};

-- Who created, changed, ran or deleted what, through any front door, with the value before and after (JSON).
CREATE TABLE sx_operation (
    id                          ${id_type} PRIMARY KEY,
    operate_time                BIGINT        NOT NULL,
    operator                    VARCHAR(255)  NOT NULL,
    group_id                    VARCHAR(128),
    operate_type                VARCHAR(32)   NOT NULL,
    object_type                 VARCHAR(32)   NOT NULL,
    object_id                   VARCHAR(255)  NOT NULL,
    object_old                  ${large_text},
    object_latest               ${large_text},
    source                      VARCHAR(32)   NOT NULL
) ${table_options};

CREATE INDEX ix_sx_operation_object ON sx_operation (object_type, object_id);
CREATE INDEX ix_sx_operation_group ON sx_operation (group_id, operate_time);
