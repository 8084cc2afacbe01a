-- Pairs are listed a page at a time, oldest first, per program or per round (a 100,000-person
-- round makes 50,000): both orders are read from an index instead of sorting the program.
CREATE INDEX pair_view_program_page ON pair_view (program_id, created_at, pair_id);
CREATE INDEX pair_view_round ON pair_view (round_id, created_at, pair_id) WHERE round_id IS NOT NULL;
DROP INDEX pair_view_program;
