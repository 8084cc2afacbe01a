-- MatchRoundCompleted v2 tells a round in counts (decision 0040): a round's pairs are read from
-- pair_view (each PairCreated names its round), its unmatched people from their own events.
-- depends: matching_0004_rematch_reason

CREATE TABLE round_unmatched_view (
    round_id   text NOT NULL,
    program_id text NOT NULL,
    person_id  text NOT NULL,
    reason     text NOT NULL,
    PRIMARY KEY (round_id, person_id)
);
CREATE INDEX round_unmatched_view_program ON round_unmatched_view (program_id);

INSERT INTO round_unmatched_view (round_id, program_id, person_id, reason)
SELECT r.round_id, r.program_id, u.key, u.value FROM round_view r, jsonb_each_text(r.unmatched) u;

ALTER TABLE round_view
    ADD COLUMN pairs integer,
    ADD COLUMN triads integer,
    ADD COLUMN people_matched integer,
    ADD COLUMN unmatched_by_reason jsonb NOT NULL DEFAULT '{}';
UPDATE round_view r SET
    pairs = cardinality(r.pair_ids),
    unmatched_by_reason = coalesce(
        (SELECT jsonb_object_agg(c.reason, c.people) FROM (
            SELECT value AS reason, count(*) AS people FROM jsonb_each_text(r.unmatched) GROUP BY 1
        ) c),
        '{}'
    );
ALTER TABLE round_view ALTER COLUMN pairs SET NOT NULL;
ALTER TABLE round_view DROP COLUMN pair_ids, DROP COLUMN unmatched;
