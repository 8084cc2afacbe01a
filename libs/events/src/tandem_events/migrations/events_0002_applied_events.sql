-- depends: events_0001_store
-- Event ids a projection has applied: the relay may republish a batch after a crash (new
-- offsets, same ce_id), and offsets alone would apply those twice.
CREATE TABLE projection_applied (
    projection  text NOT NULL,
    event_id    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, event_id)
);
CREATE INDEX projection_applied_age ON projection_applied (applied_at);
