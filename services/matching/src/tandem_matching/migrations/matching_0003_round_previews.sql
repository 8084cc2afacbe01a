-- Round previews, kept so that a commit records exactly the round the admin saw (not a
-- recomputation), and only while the program and its pool are as they were.
-- depends: matching_0002_peer_requests

CREATE TABLE round_previews (
    token           text PRIMARY KEY,
    program_id      text NOT NULL,
    program_version integer NOT NULL,
    pool_hash       text NOT NULL,
    plan            jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX round_previews_program ON round_previews (program_id, created_at);
