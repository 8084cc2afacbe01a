-- depends: events_0002_applied_events
-- Per-stream relay order: a stream remembers the relay-order id of its latest append, and a
-- later append never takes a smaller one (see docs/decisions/0004-gap-free-relay.md).
ALTER TABLE streams ADD COLUMN tx_id xid8;
UPDATE streams s SET tx_id = e.tx_id
FROM (SELECT stream_id, max(tx_id) AS tx_id FROM events GROUP BY stream_id) e
WHERE e.stream_id = s.stream_id;

-- Parked events wait by time, not by runner loops: retried when an event with the awaited
-- key is applied or when retry_at comes, dead-lettered (replayably) once expires_at passes.
ALTER TABLE projection_parked
    ADD COLUMN waiting_key text,
    ADD COLUMN retry_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN expires_at timestamptz NOT NULL DEFAULT now() + interval '48 hours',
    ADD COLUMN last_error text;
CREATE INDEX projection_parked_key ON projection_parked (projection, waiting_key);
CREATE INDEX projection_parked_due ON projection_parked (projection, retry_at);

-- Every dead letter is kept here (decided in the consumer's transaction, sent to <topic>.dlq
-- after it commits) so that `replay-dead-letters` can apply it again.
CREATE TABLE projection_dead_letters (
    projection  text NOT NULL,
    dead_key    text NOT NULL,
    event_id    text,
    topic       text NOT NULL,
    partition   integer NOT NULL,
    "offset"    bigint NOT NULL,
    record_key  bytea,
    headers     jsonb NOT NULL,
    value       bytea,
    reason      text NOT NULL,
    dead_at     timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    PRIMARY KEY (projection, dead_key)
);
CREATE INDEX projection_dead_letters_unsent ON projection_dead_letters (projection)
    WHERE sent_at IS NULL;

-- The keyring in its own schema, so its backups can be governed apart from the data's;
-- data keys are stored wrapped by a key-encryption key that is never in the database.
CREATE SCHEMA keyring;
ALTER TABLE person_keys SET SCHEMA keyring;
ALTER TABLE erased_people SET SCHEMA keyring;
-- NULL: a key written before wrapping existed (plain); it is wrapped on its next use.
ALTER TABLE keyring.person_keys ADD COLUMN kek_id text;
