-- depends: analytics_0005_view_indexes
-- The analyst views, now read from materialized results (supersedes analytics_0002_views.sql,
-- which stays as applied). Computing a view over a year of history took up to 0.7 s per
-- query; the service now computes each figure once per refresh (`tandem-analytics
-- refresh-views`, and its timer: TANDEM_VIEW_REFRESH_SECONDS) and the analyst reads the
-- stored rows. analytics.programs and analytics.unmatched_reasons stay computed at query
-- time (they are fast). Freshness is documented in docs/analytics.md.
-- Re-run as a whole after a projection rebuild, so it is idempotent.
--
-- Rules every view follows (as in analytics_0002_views.sql):
-- * security_barrier on every analyst view.
-- * k-anonymity (k = 5), applied before the rows are stored, by the functions below (the
--   one place the rule is written): a count of people is shown only when it is 0 or at
--   least 5; where a view breaks a total down into groups, complementary suppression also
--   hides the smallest shown group whenever the hidden groups add up to 1..4 people.
-- * Months are UTC calendar months; "as of" is the latest event time seen.

CREATE SCHEMA IF NOT EXISTS analytics;
CREATE SCHEMA IF NOT EXISTS analytics_private;

-- k-anonymity: fewer than 5 distinct people is a group too small to show.
CREATE OR REPLACE FUNCTION analytics_private.too_few(people bigint) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN people < 5;

-- The people of a group that is hidden (summed over a breakdown: the "hidden" total).
CREATE OR REPLACE FUNCTION analytics_private.hidden_people(people bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN analytics_private.too_few(people) THEN people ELSE 0 END;

-- The people of a group that is shown (their minimum over a breakdown: "smallest shown").
CREATE OR REPLACE FUNCTION analytics_private.shown_people(people bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN NOT analytics_private.too_few(people) THEN people END;

-- Whether a group of a breakdown is suppressed: too small itself, or the smallest shown one
-- while the hidden groups add up to 1..4 people (a total minus the shown groups would
-- reveal them). A breakdown of a single group (a total) is never suppressed by the second
-- rule, since its hidden sum is 0 when it is shown.
CREATE OR REPLACE FUNCTION analytics_private.suppressed(
    people bigint, hidden numeric, smallest_shown bigint
) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN analytics_private.too_few(people)
        OR (hidden > 0 AND analytics_private.too_few(hidden::bigint)
            AND coalesce(people = smallest_shown, false));

-- The service's role owns the materialized rows; analysts read them through the views.
DROP MATERIALIZED VIEW IF EXISTS
    analytics_private.participation_monthly, analytics_private.engagement_monthly,
    analytics_private.pair_health_monthly, analytics_private.retention_cohorts,
    analytics_private.pair_survival, analytics_private.pair_end_reasons,
    analytics_private.re_enrolment, analytics_private.pulse_monthly,
    analytics_private.department_matrix, analytics_private.milestones_monthly CASCADE;
DROP VIEW IF EXISTS
    analytics.participation_monthly, analytics.engagement_monthly,
    analytics.pair_health_monthly, analytics.retention_cohorts, analytics.pair_survival,
    analytics.pair_end_reasons, analytics.re_enrolment, analytics.pulse_monthly,
    analytics.department_matrix, analytics.milestones_monthly, analytics.unmatched_reasons;

-- Re-pointed at the current tables after a rebuild (same definitions as in 0002).
CREATE OR REPLACE VIEW analytics_private.as_of AS
SELECT greatest(
    (SELECT max(created_at) FROM pairs),
    (SELECT max(ended_at) FROM pairs),
    (SELECT max(enrolled_at) FROM enrolments),
    (SELECT max(met_on)::timestamp AT TIME ZONE 'UTC' FROM check_ins)
) AS at;

CREATE OR REPLACE VIEW analytics_private.memberships AS
SELECT DISTINCT ON (program_id, person)
    program_id, person, department, level::text AS level, location
FROM enrolments
ORDER BY program_id, person, enrolled_at DESC, event_id DESC;

CREATE OR REPLACE VIEW analytics_private.started_pairs AS
SELECT p.pair_id, p.program_id, p.members, cardinality(p.members) AS size, p.created_at,
       CASE WHEN p.ended_at <= a.at THEN p.ended_at END AS ended_at, p.end_reason
FROM pairs p CROSS JOIN analytics_private.as_of a
WHERE p.created_at IS NOT NULL;

CREATE OR REPLACE VIEW analytics_private.program_months AS
SELECT f.program_id, m::date AS month,
       (m + interval '1 month')::timestamp AT TIME ZONE 'UTC' AS month_end,
       m::timestamp AT TIME ZONE 'UTC' AS month_start
FROM (
    SELECT program_id, min(at) AS first_at FROM (
        SELECT program_id, created_at AS at FROM pairs WHERE created_at IS NOT NULL
        UNION ALL SELECT program_id, enrolled_at FROM enrolments
    ) s GROUP BY program_id
) f
CROSS JOIN analytics_private.as_of a
CROSS JOIN LATERAL generate_series(
    date_trunc('month', f.first_at AT TIME ZONE 'UTC'),
    date_trunc('month', a.at AT TIME ZONE 'UTC'),
    interval '1 month'
) m;

-- 1. Participation flows per month and group, long format (one measure per row).
CREATE MATERIALIZED VIEW analytics_private.participation_monthly AS
WITH facts AS (
    SELECT program_id, person, enrolled_at AS at, 'enrolled' AS measure FROM enrolments
    UNION ALL
    SELECT program_id, person, min(created_at), 'matched'
    FROM analytics_private.started_pairs, unnest(members) AS person
    GROUP BY program_id, person
    UNION ALL
    SELECT program_id, person, completed_at, 'unmatched' FROM unmatched
    UNION ALL
    SELECT program_id, person, withdrawn_at, 'withdrawn' FROM withdrawals
), counted AS (
    SELECT f.program_id, date_trunc('month', f.at AT TIME ZONE 'UTC')::date AS month,
           g.dimension, g.group_value, f.measure, count(DISTINCT f.person) AS people
    FROM facts f
    LEFT JOIN analytics_private.memberships m USING (program_id, person)
    CROSS JOIN LATERAL (VALUES
        ('all', 'all'),
        ('department', coalesce(m.department, 'unknown')),
        ('level', coalesce(m.level, 'unknown')),
        ('location', coalesce(m.location, 'unknown'))
    ) AS g (dimension, group_value)
    GROUP BY 1, 2, 3, 4, 5
), windowed AS (
    SELECT c.*,
        sum(analytics_private.hidden_people(people)) OVER w AS hidden,
        min(analytics_private.shown_people(people)) OVER w AS smallest_shown
    FROM counted c
    WINDOW w AS (PARTITION BY program_id, month, dimension, measure)
)
SELECT program_id, month, dimension, group_value, measure,
       CASE WHEN NOT analytics_private.suppressed(people, hidden, smallest_shown)
            THEN people END AS people
FROM windowed;

-- 2. Why people stayed unmatched, per month (computed at query time).
CREATE VIEW analytics.unmatched_reasons WITH (security_barrier) AS
WITH counted AS (
    SELECT program_id, date_trunc('month', completed_at AT TIME ZONE 'UTC')::date AS month,
           reason, count(DISTINCT person) AS people
    FROM unmatched GROUP BY 1, 2, 3
), windowed AS (
    SELECT c.*,
        sum(analytics_private.hidden_people(people)) OVER w AS hidden,
        min(analytics_private.shown_people(people)) OVER w AS smallest_shown
    FROM counted c
    WINDOW w AS (PARTITION BY program_id, month)
)
SELECT program_id, month, reason,
       CASE WHEN NOT analytics_private.suppressed(people, hidden, smallest_shown)
            THEN people END AS people
FROM windowed;

-- 3. Engagement per program and month.
CREATE MATERIALIZED VIEW analytics_private.engagement_monthly AS
WITH active AS (
    -- each pair's own months (its start's to its end's, or "as of"'s)
    SELECT p.program_id, m.month, p.pair_id, p.members, c.every_days,
           greatest(m.month_start, p.created_at, c.agreed_at) AS cadence_from,
           least(m.month_end, p.ended_at, a.at) AS cadence_to
    FROM analytics_private.started_pairs p
    CROSS JOIN analytics_private.as_of a
    LEFT JOIN cadences c ON c.pair_id = p.pair_id
    CROSS JOIN LATERAL (
        SELECT s::date AS month, s::timestamp AT TIME ZONE 'UTC' AS month_start,
               (s + interval '1 month')::timestamp AT TIME ZONE 'UTC' AS month_end
        FROM generate_series(date_trunc('month', p.created_at AT TIME ZONE 'UTC'),
                             date_trunc('month', coalesce(p.ended_at, a.at) AT TIME ZONE 'UTC'),
                             interval '1 month') s
    ) m
), per_pair AS (
    SELECT a.program_id, a.month, a.pair_id, a.members, n.check_ins,
           CASE WHEN a.every_days IS NOT NULL AND a.cadence_to > a.cadence_from
                THEN extract(epoch FROM a.cadence_to - a.cadence_from) / 86400.0 / a.every_days
           END AS expected
    FROM active a
    CROSS JOIN LATERAL (
        SELECT count(*) AS check_ins FROM check_ins ci
        WHERE ci.pair_id = a.pair_id AND ci.met_on >= a.month
          AND ci.met_on < (a.month + interval '1 month')::date
    ) n
), months AS (
    SELECT program_id, month, count(*) FILTER (WHERE u.n = 1) AS pairs_active,
           count(DISTINCT u.person) AS people,
           (sum(check_ins) FILTER (WHERE u.n = 1))::bigint AS check_ins,
           sum(least(check_ins, expected)) FILTER (WHERE u.n = 1 AND expected > 0) AS kept,
           sum(expected) FILTER (WHERE u.n = 1 AND expected > 0) AS expected
    FROM per_pair CROSS JOIN LATERAL unnest(members) WITH ORDINALITY AS u (person, n)
    GROUP BY 1, 2
), goal_months AS (
    SELECT p.program_id, e.month, count(*) FILTER (WHERE e.kind = 'set') AS goals_set,
           count(*) FILTER (WHERE e.kind = 'completed') AS goals_completed
    FROM goals g JOIN analytics_private.started_pairs p USING (pair_id)
    CROSS JOIN LATERAL (VALUES
        ('set', date_trunc('month', g.set_at AT TIME ZONE 'UTC')::date),
        ('completed', date_trunc('month', g.completed_at AT TIME ZONE 'UTC')::date)
    ) AS e (kind, month)
    WHERE e.month IS NOT NULL
    GROUP BY 1, 2
), feedback_months AS (
    SELECT p.program_id, date_trunc('month', f.given_at AT TIME ZONE 'UTC')::date AS month,
           count(*) AS feedback_given, avg(f.helpfulness) AS helpfulness
    FROM feedback f JOIN analytics_private.started_pairs p USING (pair_id)
    GROUP BY 1, 2
), judged AS (
    SELECT m.*, analytics_private.too_few(m.people) AS suppressed FROM months m
)
SELECT m.program_id, m.month,
       CASE WHEN NOT m.suppressed THEN m.pairs_active END AS pairs_active,
       CASE WHEN NOT m.suppressed THEN m.people END AS people,
       CASE WHEN NOT m.suppressed THEN m.check_ins END AS check_ins,
       CASE WHEN NOT m.suppressed THEN round(m.check_ins::numeric / m.pairs_active, 2)
           END AS check_ins_per_pair,
       CASE WHEN NOT m.suppressed AND m.expected > 0
            THEN round((m.kept / m.expected)::numeric, 3) END AS cadence_kept,
       CASE WHEN NOT m.suppressed THEN coalesce(g.goals_set, 0) END AS goals_set,
       CASE WHEN NOT m.suppressed THEN coalesce(g.goals_completed, 0) END AS goals_completed,
       CASE WHEN NOT m.suppressed THEN coalesce(f.feedback_given, 0) END AS feedback_given,
       CASE WHEN NOT m.suppressed THEN round(f.helpfulness, 2) END AS avg_helpfulness
FROM judged m
LEFT JOIN goal_months g USING (program_id, month)
LEFT JOIN feedback_months f USING (program_id, month);

-- 4. Pair health at each month's end (or at "as of" for the running month).
CREATE MATERIALIZED VIEW analytics_private.pair_health_monthly AS
WITH at_month_end AS (
    SELECT pm.program_id, pm.month, p.pair_id, p.members, coalesce(h.health, 'unknown') AS health
    FROM analytics_private.program_months pm
    JOIN analytics_private.started_pairs p
      ON p.program_id = pm.program_id AND p.created_at < pm.month_end
     AND (p.ended_at IS NULL OR p.ended_at >= pm.month_end)
    LEFT JOIN LATERAL (
        SELECT h.health FROM health_changes h
        WHERE h.pair_id = p.pair_id AND h.changed_at < pm.month_end
        ORDER BY h.changed_at DESC, h.event_id DESC LIMIT 1
    ) h ON true
), counted AS (
    SELECT program_id, month, health, count(DISTINCT pair_id) AS pairs,
           count(DISTINCT person) AS people
    FROM at_month_end CROSS JOIN LATERAL unnest(members) AS person
    GROUP BY 1, 2, 3
), judged AS (
    SELECT c.*, analytics_private.suppressed(people,
               sum(analytics_private.hidden_people(people)) OVER w,
               min(analytics_private.shown_people(people)) OVER w) AS suppressed
    FROM counted c
    WINDOW w AS (PARTITION BY program_id, month)
)
SELECT program_id, month, health,
       CASE WHEN NOT suppressed THEN pairs END AS pairs,
       CASE WHEN NOT suppressed THEN people END AS people
FROM judged;

-- 5. Retention by cohort (the month a pair was matched): share still active after N days,
-- among the cohort's pairs old enough to tell.
CREATE MATERIALIZED VIEW analytics_private.retention_cohorts AS
WITH pairs_of AS NOT MATERIALIZED (
    SELECT p.program_id, date_trunc('month', p.created_at AT TIME ZONE 'UTC')::date AS cohort,
           p.pair_id, p.members, p.created_at, p.ended_at, a.at
    FROM analytics_private.started_pairs p CROSS JOIN analytics_private.as_of a
), horizons AS (
    SELECT program_id, cohort, h.days,
           count(DISTINCT pair_id) FILTER (
               WHERE created_at + make_interval(days => h.days) <= at) AS observable,
           count(DISTINCT pair_id) FILTER (WHERE created_at + make_interval(days => h.days) <= at
                            AND (ended_at IS NULL
                                 OR ended_at > created_at + make_interval(days => h.days)))
               AS still_active,
           count(DISTINCT person) FILTER (
               WHERE created_at + make_interval(days => h.days) <= at) AS observable_people
    FROM pairs_of CROSS JOIN LATERAL unnest(members) AS person
    CROSS JOIN (VALUES (30), (60), (90), (180)) AS h (days)
    GROUP BY 1, 2, 3
), cohorts AS (
    SELECT program_id, cohort, count(DISTINCT pair_id) AS pairs, count(DISTINCT person) AS people
    FROM pairs_of CROSS JOIN LATERAL unnest(members) AS person
    GROUP BY 1, 2
), shares AS (
    SELECT program_id, cohort, days,
           CASE WHEN NOT analytics_private.too_few(observable_people)
                THEN round(still_active::numeric / nullif(observable, 0), 3) END AS share
    FROM horizons
)
SELECT c.program_id, c.cohort AS cohort_month,
       CASE WHEN NOT analytics_private.too_few(c.people) THEN c.pairs END AS pairs,
       CASE WHEN NOT analytics_private.too_few(c.people) THEN c.people END AS people,
       max(s.share) FILTER (WHERE s.days = 30) AS active_30,
       max(s.share) FILTER (WHERE s.days = 60) AS active_60,
       max(s.share) FILTER (WHERE s.days = 90) AS active_90,
       max(s.share) FILTER (WHERE s.days = 180) AS active_180
FROM cohorts c JOIN shares s USING (program_id, cohort)
GROUP BY c.program_id, c.cohort, c.pairs, c.people;

-- 6. Kaplan-Meier survival of pairs per program: days since matching, pairs still running
-- are censored at "as of". The curve stops where fewer than 5 people remain at risk.
CREATE MATERIALIZED VIEW analytics_private.pair_survival AS
WITH durations AS NOT MATERIALIZED (
    SELECT p.program_id, p.members,
           floor(extract(epoch FROM coalesce(p.ended_at, a.at) - p.created_at) / 86400)::int
               AS days,
           p.ended_at IS NOT NULL AS ended
    FROM analytics_private.started_pairs p CROSS JOIN analytics_private.as_of a
), days AS (
    -- a person is at risk on day t while any of their pairs has lasted at least t days
    SELECT program_id, days, sum(leaving) AS leaving, sum(ended) AS ended,
           sum(people_leaving) AS people_leaving
    FROM (
        SELECT program_id, days, 1 AS leaving, ended::int AS ended, 0 AS people_leaving
        FROM durations
        UNION ALL
        SELECT program_id, max(days), 0, 0, 1
        FROM durations CROSS JOIN LATERAL unnest(members) AS person
        GROUP BY program_id, person
    ) s
    GROUP BY 1, 2
), at_risk AS (
    SELECT d.*,
           (sum(leaving) OVER (PARTITION BY program_id ORDER BY days DESC))::bigint
               AS pairs_at_risk,
           sum(people_leaving) OVER (PARTITION BY program_id ORDER BY days DESC)
               AS people_at_risk
    FROM days d
), steps AS (
    SELECT program_id, days, pairs_at_risk, people_at_risk, ended,
           bool_or(ended = pairs_at_risk) OVER w AS all_ended,
           sum(CASE WHEN ended < pairs_at_risk THEN ln(1 - ended::float8 / pairs_at_risk) END)
               OVER w AS log_survival
    FROM at_risk
    WHERE ended > 0 OR days = 0
    WINDOW w AS (PARTITION BY program_id ORDER BY days)
)
SELECT program_id, days, pairs_at_risk,
       round(CASE WHEN all_ended THEN 0 ELSE exp(coalesce(log_survival, 0)) END::numeric, 4)
           AS survival
FROM steps
WHERE NOT analytics_private.too_few(people_at_risk::bigint);

-- 7. Why pairs ended.
CREATE MATERIALIZED VIEW analytics_private.pair_end_reasons AS
WITH counted AS (
    SELECT program_id, end_reason AS reason, count(DISTINCT pair_id) AS pairs,
           count(DISTINCT person) AS people
    FROM analytics_private.started_pairs CROSS JOIN LATERAL unnest(members) AS person
    WHERE ended_at IS NOT NULL
    GROUP BY 1, 2
), judged AS (
    SELECT c.*, analytics_private.suppressed(people,
               sum(analytics_private.hidden_people(people)) OVER w,
               min(analytics_private.shown_people(people)) OVER w) AS suppressed
    FROM counted c
    WINDOW w AS (PARTITION BY program_id)
)
SELECT program_id, reason,
       CASE WHEN NOT suppressed THEN pairs END AS pairs,
       CASE WHEN NOT suppressed THEN people END AS people
FROM judged;

-- 8. People who enrol again (a second enrolment anywhere, after their first). The
-- returning people and the others are the two groups of the program's total.
CREATE MATERIALIZED VIEW analytics_private.re_enrolment AS
WITH enrolled AS (
    SELECT program_id, person FROM enrolments GROUP BY 1, 2
), returners AS (
    SELECT person FROM enrolments GROUP BY person HAVING count(*) > 1
), counted AS (
    SELECT e.program_id, count(*) AS people, count(r.person) AS returning_people
    FROM enrolled e LEFT JOIN returners r USING (person)
    GROUP BY 1
)
SELECT program_id,
       CASE WHEN NOT analytics_private.too_few(people) THEN people END AS people,
       CASE WHEN analytics_private.too_few(people)
              OR (returning_people > 0 AND analytics_private.too_few(returning_people))
              OR (people > returning_people
                  AND analytics_private.too_few(people - returning_people))
            THEN NULL ELSE returning_people END AS returning_people
FROM counted;

-- 9. Pulse trends (stress, belonging, confidence) per month and department.
CREATE MATERIALIZED VIEW analytics_private.pulse_monthly AS
WITH answers AS (
    SELECT p.program_id, date_trunc('month', s.submitted_at AT TIME ZONE 'UTC')::date AS month,
           s.person, s.stress, s.belonging, s.confidence,
           coalesce(m.department, 'unknown') AS department
    FROM pulses s
    JOIN analytics_private.started_pairs p USING (pair_id)
    LEFT JOIN analytics_private.memberships m
      ON m.program_id = p.program_id AND m.person = s.person
), counted AS (
    SELECT program_id, month, g.dimension, g.group_value,
           count(DISTINCT person) AS people, count(*) AS answers,
           avg(stress) AS stress, avg(belonging) AS belonging, avg(confidence) AS confidence
    FROM answers
    CROSS JOIN LATERAL (VALUES ('all', 'all'), ('department', department))
        AS g (dimension, group_value)
    GROUP BY 1, 2, 3, 4
), judged AS (
    SELECT c.*, analytics_private.suppressed(people,
               sum(analytics_private.hidden_people(people)) OVER w,
               min(analytics_private.shown_people(people)) OVER w) AS suppressed
    FROM counted c
    WINDOW w AS (PARTITION BY program_id, month, dimension)
)
SELECT program_id, month, dimension, group_value,
       CASE WHEN NOT suppressed THEN people END AS people,
       CASE WHEN NOT suppressed THEN answers END AS answers,
       CASE WHEN NOT suppressed THEN round(stress, 2) END AS avg_stress,
       CASE WHEN NOT suppressed THEN round(belonging, 2) END AS avg_belonging,
       CASE WHEN NOT suppressed THEN round(confidence, 2) END AS avg_confidence
FROM judged;

-- 10. Cross-team connection: pairs by the departments of their members (a <= b).
CREATE MATERIALIZED VIEW analytics_private.department_matrix AS
WITH links AS (
    SELECT p.program_id, p.pair_id,
           least(coalesce(ma.department, 'unknown'), coalesce(mb.department, 'unknown')) AS a,
           greatest(coalesce(ma.department, 'unknown'), coalesce(mb.department, 'unknown')) AS b,
           x.person_a, x.person_b
    FROM analytics_private.started_pairs p
    CROSS JOIN LATERAL (
        SELECT p.members[i] AS person_a, p.members[j] AS person_b
        FROM generate_subscripts(p.members, 1) i, generate_subscripts(p.members, 1) j
        WHERE i < j
    ) x
    LEFT JOIN analytics_private.memberships ma
      ON ma.program_id = p.program_id AND ma.person = x.person_a
    LEFT JOIN analytics_private.memberships mb
      ON mb.program_id = p.program_id AND mb.person = x.person_b
), counted AS (
    SELECT program_id, a, b, count(DISTINCT pair_id) AS pairs,
           count(DISTINCT person) AS people
    FROM links CROSS JOIN LATERAL (VALUES (person_a), (person_b)) AS v (person)
    GROUP BY 1, 2, 3
), judged AS (
    SELECT c.*, analytics_private.suppressed(people,
               sum(analytics_private.hidden_people(people)) OVER w,
               min(analytics_private.shown_people(people)) OVER w) AS suppressed
    FROM counted c
    WINDOW w AS (PARTITION BY program_id)
)
SELECT program_id, a AS department_a, b AS department_b,
       CASE WHEN NOT suppressed THEN pairs END AS pairs,
       CASE WHEN NOT suppressed THEN people END AS people
FROM judged;

-- 11. Milestones reached per month.
CREATE MATERIALIZED VIEW analytics_private.milestones_monthly AS
WITH counted AS (
    SELECT p.program_id, date_trunc('month', m.reached_on::timestamp)::date AS month,
           m.milestone, count(DISTINCT m.pair_id) AS pairs, count(DISTINCT person) AS people
    FROM milestones m JOIN analytics_private.started_pairs p USING (pair_id)
    CROSS JOIN LATERAL unnest(p.members) AS person
    GROUP BY 1, 2, 3
), judged AS (
    SELECT c.*, analytics_private.suppressed(people,
               sum(analytics_private.hidden_people(people)) OVER w,
               min(analytics_private.shown_people(people)) OVER w) AS suppressed
    FROM counted c
    WINDOW w AS (PARTITION BY program_id, month)
)
SELECT program_id, month, milestone,
       CASE WHEN NOT suppressed THEN pairs END AS pairs,
       CASE WHEN NOT suppressed THEN people END AS people
FROM judged;

-- A unique index per materialized view: REFRESH ... CONCURRENTLY needs one, and analysts
-- filtering by program read the rows through it.
CREATE UNIQUE INDEX ON analytics_private.participation_monthly
    (program_id, month, dimension, group_value, measure);
CREATE UNIQUE INDEX ON analytics_private.engagement_monthly (program_id, month);
CREATE UNIQUE INDEX ON analytics_private.pair_health_monthly (program_id, month, health);
CREATE UNIQUE INDEX ON analytics_private.retention_cohorts (program_id, cohort_month);
CREATE UNIQUE INDEX ON analytics_private.pair_survival (program_id, days);
CREATE UNIQUE INDEX ON analytics_private.pair_end_reasons (program_id, reason)
    NULLS NOT DISTINCT;
CREATE UNIQUE INDEX ON analytics_private.re_enrolment (program_id);
CREATE UNIQUE INDEX ON analytics_private.pulse_monthly (program_id, month, dimension, group_value);
CREATE UNIQUE INDEX ON analytics_private.department_matrix
    (program_id, department_a, department_b);
CREATE UNIQUE INDEX ON analytics_private.milestones_monthly (program_id, month, milestone);

-- The analyst's views: the stored rows, column for column.
DO $$
DECLARE
    v text;
BEGIN
    FOREACH v IN ARRAY ARRAY[
        'participation_monthly', 'engagement_monthly', 'pair_health_monthly',
        'retention_cohorts', 'pair_survival', 'pair_end_reasons', 're_enrolment',
        'pulse_monthly', 'department_matrix', 'milestones_monthly'
    ] LOOP
        EXECUTE format('CREATE VIEW analytics.%I WITH (security_barrier) AS'
                       ' SELECT * FROM analytics_private.%I', v, v);
    END LOOP;
END
$$;

-- 12. analytics.programs is unchanged (analytics_0002_views.sql); re-pointed here.
CREATE OR REPLACE VIEW analytics.programs WITH (security_barrier) AS
SELECT program_id, name,
       (launched_at AT TIME ZONE 'UTC')::date AS launched_on,
       (closed_at AT TIME ZONE 'UTC')::date AS closed_on
FROM programs;

-- When the stored rows were last computed, and from how far into the topics.
CREATE TABLE IF NOT EXISTS view_refreshes (
    singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    refreshed_at timestamptz NOT NULL,
    offsets      bigint NOT NULL
);

-- The analyst may read these views and nothing else (see analytics_0003_analyst_access.sql).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tandem_analyst') THEN
        REVOKE ALL ON SCHEMA analytics_private FROM PUBLIC, tandem_analyst;
        GRANT USAGE ON SCHEMA analytics TO tandem_analyst;
        GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO tandem_analyst;
    END IF;
END
$$;
