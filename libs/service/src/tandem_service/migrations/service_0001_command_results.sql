-- What each idempotent command answered, scoped to its caller and operation, kept with a hash
-- of the request so that a key reused for a different request is refused, not replayed.
CREATE TABLE command_results (
    caller          text NOT NULL,
    operation       text NOT NULL,
    idempotency_key text NOT NULL,
    request_hash    text NOT NULL,
    status          integer,
    response        jsonb,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (caller, operation, idempotency_key)
);
CREATE INDEX command_results_age ON command_results (recorded_at);
