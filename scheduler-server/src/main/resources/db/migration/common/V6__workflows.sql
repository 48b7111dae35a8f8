-- Workflows: DAGs of existing jobs (package dev.schedulerx.server.workflow). Same placeholders as V1.
-- Times are epoch milliseconds.

-- A workflow definition. dag_json is the canonical {"nodes":[{"id":jobId}],"edges":[{"source":..,"target":..}]}.
-- time_type: 1 cron (time_expression + time_zone), 100 api. New workflows are disabled.
CREATE TABLE sx_workflow (
    id                          ${id_type} PRIMARY KEY,
    group_id                    VARCHAR(128)  NOT NULL,
    name                        VARCHAR(255)  NOT NULL,
    description                 VARCHAR(1000),
    time_type                   INT           NOT NULL,
    time_expression             VARCHAR(255),
    time_zone                   VARCHAR(64),
    max_concurrency             INT           NOT NULL,
    concurrency_policy          VARCHAR(8)    NOT NULL,
    failure_policy              VARCHAR(32)   NOT NULL,
    enabled                     BOOLEAN       NOT NULL,
    dag_json                    ${large_text} NOT NULL,
    created_at                  BIGINT        NOT NULL,
    updated_at                  BIGINT        NOT NULL,
    CONSTRAINT uq_sx_workflow_group_name UNIQUE (group_id, name)
) ${table_options};

-- Which workflow each job belongs to (at most one: the primary key). Such a job does not fire on its own
-- schedule, and the foreign key refuses deleting it while a workflow uses it.
CREATE TABLE sx_workflow_job (
    job_id                      BIGINT        NOT NULL PRIMARY KEY,
    workflow_id                 BIGINT        NOT NULL,
    CONSTRAINT fk_sx_workflow_job_job FOREIGN KEY (job_id) REFERENCES sx_job (id),
    CONSTRAINT fk_sx_workflow_job_workflow FOREIGN KEY (workflow_id) REFERENCES sx_workflow (id) ON DELETE CASCADE
) ${table_options};

-- One run of a workflow. (workflow_id, schedule_time) is unique, so two server nodes never create the same run.
-- state uses the job instance numbers (1 waiting in the queue, 3 running, 4 success, 5 failed, 6 stopped,
-- 12 skipped over max concurrency). The DAG and failure policy are copied in: later edits do not change a run.
CREATE TABLE sx_wf_instance (
    id                          ${id_type} PRIMARY KEY,
    workflow_id                 BIGINT        NOT NULL,
    schedule_time               BIGINT        NOT NULL,
    trigger_type                VARCHAR(16)   NOT NULL,
    state                       INT           NOT NULL,
    suspended                   BOOLEAN       NOT NULL,
    instance_parameters         ${large_text},
    dag_json                    ${large_text} NOT NULL,
    failure_policy              VARCHAR(32)   NOT NULL,
    reason                      VARCHAR(2000),
    created_at                  BIGINT        NOT NULL,
    finished_at                 BIGINT,
    CONSTRAINT uq_sx_wf_instance_run UNIQUE (workflow_id, schedule_time),
    CONSTRAINT fk_sx_wf_instance_workflow FOREIGN KEY (workflow_id) REFERENCES sx_workflow (id) ON DELETE CASCADE
) ${table_options};

CREATE INDEX ix_sx_wf_instance_state ON sx_wf_instance (state);

-- One node of a workflow run. Its job instance is created with schedule_time = run_time and attempt 0, so the
-- instances' unique key lets it start once whoever leads. state: 1 waiting, 3 running, 4 success, 5 failed,
-- 6 stopped, 12 skipped. result is the node's final result, capped as the official worker caps it.
CREATE TABLE sx_wf_node (
    id                          ${id_type} PRIMARY KEY,
    wf_instance_id              BIGINT        NOT NULL,
    job_id                      BIGINT        NOT NULL,
    job_name                    VARCHAR(255)  NOT NULL,
    state                       INT           NOT NULL,
    skip_requested              BOOLEAN       NOT NULL,
    run_time                    BIGINT        NOT NULL,
    job_instance_id             BIGINT,
    result                      VARCHAR(2000),
    started_at                  BIGINT,
    finished_at                 BIGINT,
    CONSTRAINT uq_sx_wf_node UNIQUE (wf_instance_id, job_id),
    CONSTRAINT fk_sx_wf_node_instance FOREIGN KEY (wf_instance_id) REFERENCES sx_wf_instance (id) ON DELETE CASCADE
) ${table_options};

CREATE INDEX ix_sx_wf_node_job_instance ON sx_wf_node (job_instance_id);
