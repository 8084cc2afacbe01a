-- Each pair's workspace as of a stream version, written in the transaction of every append
-- engagement makes: a load reads this row plus any later events (one query), not the stream.
-- depends: engagement_0001_tables

CREATE TABLE workspace_snapshots (
    pair_id  text PRIMARY KEY,
    version  integer NOT NULL,
    format   integer NOT NULL,
    state    jsonb NOT NULL
);
