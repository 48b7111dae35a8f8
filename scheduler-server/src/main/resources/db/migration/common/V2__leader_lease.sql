-- Leader election among server nodes sharing one database: one row per lease name ('scheduler'). The node
-- named in holder runs the due-pass until expires_at (epoch ms); discovery answers remoting_addr to workers.
-- A node takes the lease over only with one UPDATE whose WHERE requires it to hold the lease already or the
-- lease to have expired, so two nodes can never both win; the first INSERT races on the primary key.
CREATE TABLE sx_leader_lease (
    lease_name                  VARCHAR(64)   NOT NULL PRIMARY KEY,
    holder                      VARCHAR(255)  NOT NULL,
    remoting_addr               VARCHAR(255)  NOT NULL,
    http_addr                   VARCHAR(255)  NOT NULL,
    expires_at                  BIGINT        NOT NULL
) ${table_options};
