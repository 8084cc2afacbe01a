-- The engagement service's own tables beside the event store (and its timers).
-- depends: events_0001_store events_0007_timers

-- Write side fed by matching.events: what a workspace needs to open, and who withdrew
-- (a withdrawal may arrive before the PairCreated it must close).
CREATE TABLE known_programs (
    program_id  text PRIMARY KEY,
    purpose     text NOT NULL,
    owner_id    text NOT NULL
);
CREATE TABLE known_people (
    program_id  text NOT NULL,
    person_id   text NOT NULL,
    timezone    text NOT NULL DEFAULT 'UTC',
    PRIMARY KEY (program_id, person_id)
);
CREATE TABLE withdrawals (
    program_id  text NOT NULL,
    person_id   text NOT NULL,
    withdrew_at timestamptz NOT NULL,
    PRIMARY KEY (program_id, person_id)
);
CREATE TABLE workspace_index (
    pair_id     text PRIMARY KEY,
    program_id  text NOT NULL,
    member_ids  text[] NOT NULL,
    open        boolean NOT NULL DEFAULT true
);
CREATE INDEX workspace_index_members ON workspace_index USING gin (member_ids) WHERE open;

-- Support resources and conversation guides an admin maintains per program (defaults in code).
CREATE TABLE resources (
    program_id  text NOT NULL,
    slug        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('support', 'guide')),
    title       text NOT NULL,
    body        text NOT NULL,
    updated_by  text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (program_id, slug)
);

-- Read models built by projections from engagement.events (eventually consistent, rebuildable).
CREATE TABLE workspace_view (
    pair_id         text PRIMARY KEY,
    program_id      text NOT NULL,
    member_ids      text[] NOT NULL,
    purpose         text NOT NULL,
    opened_at       timestamptz NOT NULL,
    closed_at       timestamptz,
    cadence         jsonb,
    proposal        jsonb,
    health          text,
    health_reasons  text[] NOT NULL DEFAULT '{}',
    health_since    timestamptz,
    check_ins       integer NOT NULL DEFAULT 0,
    last_check_in   date,
    goals_open      integer NOT NULL DEFAULT 0,
    goals_completed integer NOT NULL DEFAULT 0,
    feedback_given  integer NOT NULL DEFAULT 0,
    milestones      integer NOT NULL DEFAULT 0
);
CREATE INDEX workspace_view_program ON workspace_view (program_id);
CREATE INDEX workspace_view_members ON workspace_view USING gin (member_ids);

CREATE TABLE check_in_view (
    pair_id          text NOT NULL,
    check_in_id      text NOT NULL,
    author_id        text NOT NULL,
    met_on           date NOT NULL,
    duration_minutes integer NOT NULL,
    mode             text NOT NULL,
    asynchronous     boolean NOT NULL,
    topics           text[] NOT NULL,
    felt             smallint,
    notes            text,
    notes_shared     boolean NOT NULL,
    PRIMARY KEY (pair_id, check_in_id)
);

CREATE TABLE goal_view (
    pair_id          text NOT NULL,
    goal_id          text NOT NULL,
    owner_id         text NOT NULL,
    shared           boolean NOT NULL,
    title            text NOT NULL,
    why              text,
    steps            text[] NOT NULL DEFAULT '{}',
    target_date      date,
    status           text NOT NULL DEFAULT 'open',
    progress_percent integer NOT NULL DEFAULT 0,
    PRIMARY KEY (pair_id, goal_id)
);

CREATE TABLE feedback_view (
    pair_id      text NOT NULL,
    feedback_id  text NOT NULL,
    check_in_id  text,
    from_id      text NOT NULL,
    to_id        text NOT NULL,
    helpfulness  smallint NOT NULL,
    kind         text NOT NULL,
    text         text,
    given_at     timestamptz NOT NULL,
    PRIMARY KEY (pair_id, feedback_id)
);

CREATE TABLE milestone_view (
    pair_id     text NOT NULL,
    milestone   text NOT NULL,
    count       integer NOT NULL DEFAULT 0,
    reached_on  date NOT NULL,
    PRIMARY KEY (pair_id, milestone, count)
);

CREATE TABLE pulse_view (
    event_id     text PRIMARY KEY,
    person_id    text NOT NULL,
    pair_id      text NOT NULL,
    submitted_at timestamptz NOT NULL,
    stress       smallint NOT NULL,
    belonging    smallint NOT NULL,
    confidence   smallint NOT NULL
);
CREATE INDEX pulse_view_person ON pulse_view (person_id, submitted_at);

-- Each participant's timeline: what happened in their pairs, without any private content.
CREATE TABLE timeline_view (
    person_id   text NOT NULL,
    event_id    text NOT NULL,
    pair_id     text NOT NULL,
    occurred_at timestamptz NOT NULL,
    kind        text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (person_id, event_id)
);
CREATE INDEX timeline_view_order ON timeline_view (person_id, occurred_at);

-- The program's health summary: how many pairs are in each state.
CREATE TABLE program_health_view (
    program_id  text NOT NULL,
    health      text NOT NULL,
    pairs       integer NOT NULL DEFAULT 0,
    PRIMARY KEY (program_id, health)
);
-- Which program and state each pair counts in (so a change moves one pair between states).
CREATE TABLE program_health_pairs (
    pair_id     text PRIMARY KEY,
    program_id  text NOT NULL,
    health      text
);
