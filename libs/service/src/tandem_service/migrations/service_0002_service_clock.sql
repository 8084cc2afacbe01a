-- The offset of the service's movable development clock, shared by all of its processes (the
-- served API and workers such as notifications' dispatcher): one row at most.
CREATE TABLE service_clock (
    only_row       boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    offset_seconds double precision NOT NULL,
    moved_at       timestamptz NOT NULL DEFAULT now()
);
