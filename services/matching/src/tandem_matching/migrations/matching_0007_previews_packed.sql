-- A kept preview's plan is stored as compressed JSON bytes (the adapter packs it): at 10,000
-- people the plan is 1.8 MB of JSON, which PostgreSQL took 0.13 s to parse into jsonb and
-- compress again, inside the preview's request; packed, the insert takes 0.025 s. Nothing
-- reads inside a stored plan in SQL. Previews kept before this migration stay readable (as
-- plain JSON bytes), so their tokens still commit.
-- depends: matching_0006_pairs_by_page
ALTER TABLE round_previews ALTER COLUMN plan TYPE bytea USING convert_to(plan::text, 'UTF8');
