"""The delivery book's larger statements, kept apart from the code that binds them."""

# One statement per recorded plan, whatever it holds, so that the projection runner's
# write-behind sends a whole batch of plans as one pipelined run: the series' timers (the
# kit's timers table), new pairs' rows (the planner's table) and the deliveries.
RECORD = """
WITH series AS (
    INSERT INTO timers (kind, key, due_at, payload)
    SELECT $12, s.key, s.due, s.payload
    FROM unnest($13::text[], $14::timestamptz[], $15::jsonb[]) AS s(key, due, payload)
    ON CONFLICT (kind, key) DO UPDATE
    SET due_at = excluded.due_at, payload = excluded.payload, attempts = 0, last_error = NULL
), held AS (
    INSERT INTO timers (kind, key, due_at, payload)
    SELECT $19, h.key, h.due, h.payload
    FROM unnest($20::text[], $21::timestamptz[], $22::jsonb[]) AS h(key, due, payload)
    ON CONFLICT (kind, key) DO NOTHING
), pair AS (
    INSERT INTO {pairs} (pair_id, program_id, member_ids)
    SELECT p.id, p.program, string_to_array(p.members, chr(31))
    FROM unnest($16::text[], $17::text[], $18::text[]) AS p(id, program, members)
    ON CONFLICT (pair_id) DO NOTHING
)
INSERT INTO deliveries (notification_id, channel, cause_id, recipient_id, kind, program_id,
                        pair_id, tags, data, priority, due_at)
SELECT t.id, t.channel, t.cause, t.recipient, t.kind, t.program, t.pair,
       string_to_array(t.tags, chr(31)), t.data, t.priority, t.due
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
            $8::text[], $9::jsonb[], $10::smallint[], $11::timestamptz[])
     AS t(id, channel, cause, recipient, kind, program, pair, tags, data, priority, due)
ON CONFLICT (notification_id, channel) DO NOTHING
"""

ANNOUNCE = """
UPDATE deliveries d SET announced = true
FROM (
    SELECT notification_id, channel FROM deliveries
    WHERE NOT announced AND ($2::timestamptz IS NULL OR due_at <= $2)
    ORDER BY due_at, notification_id, channel LIMIT $1 FOR UPDATE SKIP LOCKED
) new
WHERE d.notification_id = new.notification_id AND d.channel = new.channel
RETURNING d.notification_id::text, d.channel, d.recipient_id, d.kind, d.due_at, d.pair_id
"""

CLAIM = """
UPDATE deliveries d
SET status = 'sending', attempts = d.attempts + 1, lease_until = $2
FROM (
    SELECT notification_id, channel FROM deliveries
    WHERE (status = 'scheduled' AND announced AND due_at <= $1)
       OR (status = 'sending' AND lease_until <= $1)
    ORDER BY priority, due_at
    LIMIT $3
    FOR UPDATE SKIP LOCKED
) due
WHERE d.notification_id = due.notification_id AND d.channel = due.channel
RETURNING d.*
"""

SETTLE = """
UPDATE deliveries d
SET status = t.status, due_at = t.due, lease_until = NULL, last_error = t.error,
    attempts = t.attempts,
    finished_at = CASE WHEN t.status IN ('sent', 'failed', 'skipped') THEN $7::timestamptz END
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::int[],
            $8::int[]) AS t(id, channel, status, due, error, attempts, claimed)
WHERE d.notification_id = t.id AND d.channel = t.channel
  AND d.status = 'sending' AND d.attempts = t.claimed
RETURNING d.notification_id::text, d.channel
"""
