-- The matching service's own tables beside the event store.
-- depends: events_0001_store

-- The people directory: reference data imported from the organisation (not event-sourced).
CREATE TABLE people (
    person_id   text PRIMARY KEY,
    name        text NOT NULL,
    email       text NOT NULL,
    level       integer NOT NULL,
    department  text NOT NULL DEFAULT '',
    team        text NOT NULL DEFAULT '',
    manager_id  text,
    timezone    text NOT NULL DEFAULT 'UTC',
    languages   text[] NOT NULL DEFAULT '{}',
    departed_on date,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX people_manager ON people (manager_id);

-- Write side, kept in the same transaction as the person's events: who is enrolled where,
-- and the private answers (personality, working hours) that never travel in an event.
CREATE TABLE enrolments (
    program_id        text NOT NULL,
    person_id         text NOT NULL,
    status            text NOT NULL CHECK (status IN ('enrolled', 'withdrawn')),
    profile           jsonb NOT NULL,
    personality       smallint[] CHECK (personality IS NULL OR cardinality(personality) = 5),
    work_start        real NOT NULL DEFAULT 9,
    work_end          real NOT NULL DEFAULT 17,
    rematch_requested boolean NOT NULL DEFAULT false,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (program_id, person_id)
);

-- Write side, kept with the pairs' events: every pair of a program (who is busy now, who met
-- before) and the score components a round computed (PairCreated carries only the total).
CREATE TABLE pair_index (
    pair_id     text PRIMARY KEY,
    program_id  text NOT NULL,
    member_ids  text[] NOT NULL,
    active      boolean NOT NULL,
    components  jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pair_index_program ON pair_index (program_id) WHERE active;
CREATE INDEX pair_index_members ON pair_index USING gin (member_ids);

-- Read models, built by projections from matching.events (eventually consistent).
CREATE TABLE program_view (
    program_id             text PRIMARY KEY,
    name                   text NOT NULL,
    purpose                text NOT NULL,
    description            text NOT NULL DEFAULT '',
    status                 text NOT NULL,
    starts_on              date NOT NULL,
    ends_on                date,
    suggested_cadence_days integer NOT NULL,
    policy                 jsonb NOT NULL,
    goal_vocabulary        text[] NOT NULL DEFAULT '{}',
    rounds                 integer NOT NULL DEFAULT 0,
    launched_at            timestamptz NOT NULL,
    closed_at              timestamptz
);

CREATE TABLE roster_view (
    program_id   text NOT NULL,
    person_id    text NOT NULL,
    status       text NOT NULL,
    level        integer,
    department   text,
    profile      jsonb NOT NULL,
    -- Rematch requests (person key) and new pairs (pair key) arrive in any order: keep times.
    rematch_requested_at timestamptz,
    last_paired_at timestamptz,
    enrolled_at  timestamptz NOT NULL,
    withdrawn_at timestamptz,
    PRIMARY KEY (program_id, person_id)
);

CREATE TABLE pair_view (
    pair_id         text PRIMARY KEY,
    program_id      text NOT NULL,
    member_ids      text[] NOT NULL,
    round_id        text,
    score           double precision NOT NULL,
    reasons         text[] NOT NULL DEFAULT '{}',
    manual          boolean NOT NULL DEFAULT false,
    override_reason text,
    status          text NOT NULL DEFAULT 'active',
    end_reason      text,
    created_at      timestamptz NOT NULL,
    ended_at        timestamptz
);
CREATE INDEX pair_view_program ON pair_view (program_id);
CREATE INDEX pair_view_members ON pair_view USING gin (member_ids);

CREATE TABLE round_view (
    round_id     text PRIMARY KEY,
    program_id   text NOT NULL,
    pair_ids     text[] NOT NULL,
    unmatched    jsonb NOT NULL,
    total_score  double precision NOT NULL,
    exact        boolean NOT NULL,
    completed_at timestamptz NOT NULL
);
CREATE INDEX round_view_program ON round_view (program_id, completed_at);
