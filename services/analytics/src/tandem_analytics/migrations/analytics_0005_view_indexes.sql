-- depends: analytics_0004_program_admins
-- Pair health at a month's end is the pair's latest change before it: with the tie-break
-- and the health in the index, each lookup is one backward index-only step, no sort.
CREATE INDEX health_changes_latest
    ON health_changes (pair_id, changed_at DESC, event_id DESC) INCLUDE (health);
DROP INDEX health_changes_pair;
