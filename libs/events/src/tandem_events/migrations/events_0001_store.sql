-- The event store, its outbox progress and command idempotency (one store per service database).

CREATE TABLE streams (
    stream_id   text PRIMARY KEY,
    version     integer NOT NULL CHECK (version > 0)
);

CREATE TABLE events (
    position    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The writing transaction's id: the relay publishes only below the oldest running one.
    tx_id       xid8 NOT NULL DEFAULT pg_current_xact_id(),
    event_id    uuid NOT NULL UNIQUE,
    stream_id   text NOT NULL,
    version     integer NOT NULL,
    event_type  text NOT NULL,
    source      text NOT NULL,
    topic       text NOT NULL,
    record_key  text NOT NULL,
    occurred_at timestamptz NOT NULL,
    payload     jsonb NOT NULL,
    trace       jsonb NOT NULL DEFAULT '{}'::jsonb,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_stream_version UNIQUE (stream_id, version)
);
CREATE INDEX events_tx_order ON events (tx_id, position);

CREATE TABLE relay_progress (
    relay       text PRIMARY KEY,
    tx_id       xid8 NOT NULL,
    position    bigint NOT NULL,
    published   bigint NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE command_idempotency (
    idempotency_key text PRIMARY KEY,
    stream_id       text NOT NULL,
    version         integer NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now()
);

-- Per-person data keys for sealed free text; deleting a row crypto-shreds that person's text.
CREATE TABLE person_keys (
    person_id   text PRIMARY KEY,
    data_key    bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE erased_people (
    person_id   text PRIMARY KEY,
    erased_at   timestamptz NOT NULL DEFAULT now()
);

-- Projection bookkeeping: per-partition offsets applied, parked out-of-order events.
CREATE TABLE projection_offsets (
    projection  text NOT NULL,
    topic       text NOT NULL,
    partition   integer NOT NULL,
    next_offset bigint NOT NULL,
    PRIMARY KEY (projection, topic, partition)
);
CREATE TABLE projection_parked (
    projection  text NOT NULL,
    event_id    text NOT NULL,
    waiting_for text NOT NULL,
    topic       text NOT NULL,
    record_key  text NOT NULL,
    headers     jsonb NOT NULL,
    value       bytea NOT NULL,
    attempts    integer NOT NULL DEFAULT 0,
    parked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, event_id)
);
