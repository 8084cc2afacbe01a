-- The notifications service's own tables beside the event store.
-- depends: events_0002_applied_events

-- One row per (notification, channel). notification_id is uuid5(cause event, recipient, kind):
-- the exactly-once key. The row is the schedule (due_at), the intent (status 'sending' with a
-- lease, attempts counted before the send) and the outcome (sent / failed with the reason).
CREATE TABLE deliveries (
    notification_id uuid NOT NULL,
    channel         text NOT NULL CHECK (channel IN ('email', 'webhook', 'in_app')),
    cause_id        text NOT NULL,
    recipient_id    text NOT NULL,
    kind            text NOT NULL,
    program_id      text,
    pair_id         text,
    tags            text[] NOT NULL DEFAULT '{}',
    data            jsonb NOT NULL DEFAULT '{}'::jsonb,
    priority        smallint NOT NULL,
    status          text NOT NULL DEFAULT 'scheduled'
                    CHECK (status IN ('scheduled', 'sending', 'sent', 'failed', 'cancelled', 'skipped')),
    due_at          timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    lease_until     timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    PRIMARY KEY (notification_id, channel)
);
CREATE INDEX deliveries_due ON deliveries (priority, due_at) WHERE status = 'scheduled';
CREATE INDEX deliveries_leased ON deliveries (lease_until) WHERE status = 'sending';
CREATE INDEX deliveries_tags ON deliveries USING gin (tags) WHERE status = 'scheduled';
CREATE INDEX deliveries_program ON deliveries (program_id, kind, status);
CREATE INDEX deliveries_recipient ON deliveries (recipient_id);

-- Contact details read from matching's directory (name, email, time zone), cached here.
CREATE TABLE contacts (
    person_id   text PRIMARY KEY,
    name        text NOT NULL,
    email       text NOT NULL,
    timezone    text NOT NULL DEFAULT 'UTC',
    fetched_at  timestamptz NOT NULL
);

-- Each person's choices; absent row = defaults.
CREATE TABLE preferences (
    person_id           text PRIMARY KEY,
    channels            jsonb NOT NULL DEFAULT '{}'::jsonb,
    email_unsubscribed  boolean NOT NULL DEFAULT false,
    share_celebrations  boolean NOT NULL DEFAULT false,
    timezone            text,
    work_start          time NOT NULL DEFAULT '09:00',
    work_end            time NOT NULL DEFAULT '17:30',
    quiet_start         time DEFAULT '21:00',
    quiet_end           time DEFAULT '08:00',
    weekend             integer[] NOT NULL DEFAULT '{5,6}',
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Programs as matching announced them, with their owner's channel settings.
CREATE TABLE programs (
    program_id       text PRIMARY KEY,
    name             text NOT NULL,
    purpose          text NOT NULL DEFAULT '',
    owner_id         text NOT NULL,
    support          text NOT NULL DEFAULT '',
    channel_defaults jsonb NOT NULL DEFAULT '{}'::jsonb,
    webhook_url      text,
    webhook_secret   text
);

-- An owner's template overrides, per kind and part.
CREATE TABLE program_templates (
    program_id  text NOT NULL,
    kind        text NOT NULL,
    part        text NOT NULL,
    source      text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (program_id, kind, part)
);

-- Pairs as far as notifications need them: members, program, agreed cadence, health.
CREATE TABLE pairs (
    pair_id     text PRIMARY KEY,
    program_id  text NOT NULL,
    member_ids  text[] NOT NULL,
    active      boolean NOT NULL DEFAULT true,
    health      text,
    cadence     jsonb
);
CREATE INDEX pairs_program ON pairs (program_id);

-- The in-app inbox.
CREATE TABLE inbox (
    notification_id uuid PRIMARY KEY,
    person_id       text NOT NULL,
    kind            text NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    created_at      timestamptz NOT NULL,
    read_at         timestamptz
);
CREATE INDEX inbox_person ON inbox (person_id, created_at DESC);
CREATE INDEX inbox_unread ON inbox (person_id) WHERE read_at IS NULL;

-- erase-person (tandem_events.operations) records the person in keyring.erased_people: then
-- this service holds nothing to contact or show them with.
CREATE FUNCTION forget_erased_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM contacts WHERE person_id = NEW.person_id;
    DELETE FROM inbox WHERE person_id = NEW.person_id;
    DELETE FROM preferences WHERE person_id = NEW.person_id;
    UPDATE deliveries SET status = 'cancelled', last_error = 'person erased', finished_at = now()
     WHERE recipient_id = NEW.person_id AND status = 'scheduled';
    RETURN NEW;
END $$;
CREATE TRIGGER erased_people_forget AFTER INSERT ON keyring.erased_people
    FOR EACH ROW EXECUTE FUNCTION forget_erased_person();
