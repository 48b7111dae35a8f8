-- Per-workflow alert settings (issue 14): a workflow's own monitorConfig and contact, the same SchedulerX JSON texts
-- a job has. NULL or empty = the app group's. Same placeholders as V1.
ALTER TABLE sx_workflow ADD COLUMN monitor_config ${large_text};
ALTER TABLE sx_workflow ADD COLUMN contact ${large_text};
