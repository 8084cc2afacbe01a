-- depends: notifications_0001_deliveries
-- Each person's time zone from their enrolment or profile (meeting reminders keep local time).
CREATE TABLE people (
    person_id   text PRIMARY KEY,
    timezone    text NOT NULL DEFAULT 'UTC'
);

-- Erasing a person also drops their time zone and stops their series rolling forward.
CREATE OR REPLACE FUNCTION forget_erased_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM contacts WHERE person_id = NEW.person_id;
    DELETE FROM inbox WHERE person_id = NEW.person_id;
    DELETE FROM preferences WHERE person_id = NEW.person_id;
    DELETE FROM people WHERE person_id = NEW.person_id;
    DELETE FROM timers WHERE kind = 'notifications.horizon'
       AND payload->>'recipient_id' = NEW.person_id;
    UPDATE deliveries SET status = 'cancelled', last_error = 'person erased', finished_at = now()
     WHERE recipient_id = NEW.person_id AND status = 'scheduled';
    RETURN NEW;
END $$;

-- NotificationScheduled is announced from here in batches (an outbox inside the outbox): the
-- planner only inserts, so a round of ten thousand pairs is written in a few pipelined runs.
-- A delivery is claimed for sending only once announced, so Scheduled precedes Sent.
ALTER TABLE deliveries ADD COLUMN announced boolean NOT NULL DEFAULT false;
CREATE INDEX deliveries_unannounced ON deliveries (due_at) WHERE NOT announced;
