-- The timeline projection finds a pair's members (its WorkspaceOpened rows) for every event it
-- applies. Without this index that lookup read the whole timeline_view each time: about
-- 17,000 rows per check-in on a bench of 1,450 pairs, growing with every event (ADR 0034).
-- Partial: one entry per member per pair, none for the other kinds.
-- depends: engagement_0002_workspace_snapshots

CREATE INDEX timeline_view_pair_members ON timeline_view (pair_id) WHERE kind = 'WorkspaceOpened';
