-- depends: events_0001_store
-- Due timers (reminders, health checks): one row per (kind, key), so rescheduling a key
-- replaces its timer and a sweep after downtime fires each overdue key once.
CREATE TABLE timers (
    kind        text NOT NULL,
    key         text NOT NULL,
    due_at      timestamptz NOT NULL,
    payload     jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- Failed effects back off instead of blocking the sweep; the last reason is kept.
    attempts    integer NOT NULL DEFAULT 0,
    last_error  text,
    PRIMARY KEY (kind, key)
);
CREATE INDEX timers_due ON timers (kind, due_at);
