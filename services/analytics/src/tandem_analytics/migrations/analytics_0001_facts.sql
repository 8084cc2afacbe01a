-- The analytics facts: one row per fact, keyed by the fact's own id, so the order in which
-- events arrive (a check-in before its pair, an end before the last check-in) and their
-- redelivery never change the result. People appear only as pseudonyms (keyed hashes).
-- Figures are computed by the views in schema "analytics" (analytics_0002_views.sql).

CREATE TABLE programs (
    program_id  text PRIMARY KEY,
    name        text,
    owner       text,           -- pseudonym of the admin who launched it
    launched_at timestamptz,
    closed_at   timestamptz
);

CREATE TABLE enrolments (
    event_id    text PRIMARY KEY,
    program_id  text NOT NULL,
    person      text NOT NULL,
    enrolled_at timestamptz NOT NULL,
    department  text NOT NULL,
    level       integer NOT NULL,
    location    text NOT NULL
);
CREATE INDEX enrolments_person ON enrolments (person, enrolled_at);
CREATE INDEX enrolments_program ON enrolments (program_id, person);

CREATE TABLE withdrawals (
    event_id     text PRIMARY KEY,
    program_id   text NOT NULL,
    person       text NOT NULL,
    withdrawn_at timestamptz NOT NULL
);

CREATE TABLE unmatched (
    round_id     text NOT NULL,
    person       text NOT NULL,
    program_id   text NOT NULL,
    reason       text NOT NULL,
    completed_at timestamptz NOT NULL,
    PRIMARY KEY (round_id, person)
);

-- A PairCreated and a PairEnded both carry the program and members, so either may come first.
CREATE TABLE pairs (
    pair_id    text PRIMARY KEY,
    program_id text NOT NULL,
    members    text[] NOT NULL,
    created_at timestamptz,
    ended_at   timestamptz,
    end_reason text
);
CREATE INDEX pairs_program ON pairs (program_id, created_at);

CREATE TABLE check_ins (
    check_in_id text PRIMARY KEY,
    pair_id     text NOT NULL,
    met_on      date NOT NULL,
    minutes     integer NOT NULL
);
CREATE INDEX check_ins_pair ON check_ins (pair_id, met_on);

-- The latest agreement wins (by time, then event id), whatever order they arrive in.
CREATE TABLE cadences (
    pair_id    text PRIMARY KEY,
    every_days integer NOT NULL,
    agreed_at  timestamptz NOT NULL,
    event_id   text NOT NULL
);

CREATE TABLE goals (
    goal_id      text PRIMARY KEY,
    pair_id      text NOT NULL,
    set_at       timestamptz,
    completed_at timestamptz
);
CREATE INDEX goals_pair ON goals (pair_id);

CREATE TABLE feedback (
    feedback_id text PRIMARY KEY,
    pair_id     text NOT NULL,
    given_at    timestamptz NOT NULL,
    helpfulness integer NOT NULL
);
CREATE INDEX feedback_pair ON feedback (pair_id);

CREATE TABLE pulses (
    event_id       text PRIMARY KEY,
    pair_id        text NOT NULL,
    person         text NOT NULL,
    submitted_at   timestamptz NOT NULL,
    stress         integer NOT NULL,
    belonging      integer NOT NULL,
    confidence     integer NOT NULL
);
CREATE INDEX pulses_pair ON pulses (pair_id);

CREATE TABLE milestones (
    pair_id    text NOT NULL,
    milestone  text NOT NULL,
    -- streaks and days together repeat with a growing count; 0 for the kinds that happen once
    count      integer NOT NULL DEFAULT 0,
    reached_on date NOT NULL,
    PRIMARY KEY (pair_id, milestone, count)
);

CREATE TABLE health_changes (
    event_id   text PRIMARY KEY,
    pair_id    text NOT NULL,
    changed_at timestamptz NOT NULL,
    health     text NOT NULL
);
CREATE INDEX health_changes_pair ON health_changes (pair_id, changed_at);

-- "As of" (the latest event time seen) is read by every view: these keep it an index lookup.
CREATE INDEX pairs_created ON pairs (created_at);
CREATE INDEX pairs_ended ON pairs (ended_at) WHERE ended_at IS NOT NULL;
CREATE INDEX check_ins_met_on ON check_ins (met_on);
CREATE INDEX enrolments_enrolled ON enrolments (enrolled_at);
