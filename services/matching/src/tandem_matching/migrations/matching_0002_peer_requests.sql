-- Self-match: peer requests, kept with their events so that listing and "one open request
-- between two people" need no projection lag.
-- depends: matching_0001_write_side

CREATE TABLE peer_requests (
    request_id   text PRIMARY KEY,
    program_id   text NOT NULL,
    requester_id text NOT NULL,
    peer_id      text NOT NULL,
    status       text NOT NULL CHECK (status IN ('pending', 'accepted', 'declined')),
    expires_at   timestamptz NOT NULL,
    note         text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX peer_requests_requester ON peer_requests (program_id, requester_id);
CREATE INDEX peer_requests_peer ON peer_requests (program_id, peer_id);
