-- A program's pairs are listed a page at a time in pair id order: the index gives that order
-- (pair_id and program_id never change, so check-in updates stay heap-only).
CREATE INDEX workspace_view_program_page ON workspace_view (program_id, pair_id);
DROP INDEX workspace_view_program;
