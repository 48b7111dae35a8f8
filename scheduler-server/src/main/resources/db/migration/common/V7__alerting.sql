-- Alerting (issue 14). One row per alert and target: the unique alert_key (rule, job, instance or streak,
-- target) makes an alert exist once however many nodes or passes raise it; a node claims a row for sending
-- with a conditional UPDATE (status PENDING, or SENDING whose claim expired) and holds it until claim_until,
-- so a row is sent by one node at a time and picked up again after a node died mid-send. Times are epoch ms.
CREATE TABLE sx_alert (
    id                          ${id_type} PRIMARY KEY,
    alert_key                   VARCHAR(400)  NOT NULL,
    kind                        VARCHAR(32)   NOT NULL,
    target                      VARCHAR(128)  NOT NULL,
    address                     VARCHAR(2000),
    group_id                    VARCHAR(128),
    job_id                      BIGINT,
    job_name                    VARCHAR(255),
    instance_id                 BIGINT,
    payload                     ${large_text} NOT NULL,
    status                      VARCHAR(16)   NOT NULL,
    attempts                    INT           NOT NULL,
    next_attempt_at             BIGINT        NOT NULL,
    claimed_by                  VARCHAR(128),
    claim_until                 BIGINT,
    created_at                  BIGINT        NOT NULL,
    sent_at                     BIGINT,
    last_error                  VARCHAR(1000),
    digest_id                   BIGINT,
    CONSTRAINT uq_sx_alert_key UNIQUE (alert_key)
) ${table_options};

-- address: a webhook URL or mail address taken from a job's contacts (secret: never returned by the API).
CREATE INDEX ix_sx_alert_status ON sx_alert (status, next_attempt_at);
CREATE INDEX ix_sx_alert_target_sent ON sx_alert (target, sent_at);
CREATE INDEX ix_sx_alert_created ON sx_alert (created_at);

-- The failure streak of each job as the rules last saw it: consecutive failed runs (an instance's own
-- retries count as one run) and whether this streak was alerted, so the recovery notice follows it.
CREATE TABLE sx_alert_streak (
    job_id                      BIGINT        NOT NULL PRIMARY KEY,
    failures                    INT           NOT NULL,
    alerted                     BOOLEAN       NOT NULL,
    updated_at                  BIGINT        NOT NULL
) ${table_options};

-- Channels defined through the API (those of server.conf are not stored); settings JSON holds secrets and
-- is never returned by the API.
CREATE TABLE sx_alert_channel (
    channel_name                VARCHAR(128)  NOT NULL PRIMARY KEY,
    settings                    ${large_text} NOT NULL,
    updated_at                  BIGINT        NOT NULL
) ${table_options};
