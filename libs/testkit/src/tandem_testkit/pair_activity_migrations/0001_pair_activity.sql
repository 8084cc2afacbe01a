CREATE TABLE pair_activity (
    pair_id   text PRIMARY KEY,
    members   text NOT NULL,
    check_ins integer NOT NULL DEFAULT 0
);
