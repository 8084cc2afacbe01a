-- depends: notifications_0003_pulses_from_engagement
-- Notifications due later than the next hour are held as timers until due (adapters/held.py);
-- cancelling by tag finds them through this index.
CREATE INDEX timers_held_tags ON timers USING gin ((payload->'tags'))
    WHERE kind = 'notifications.held';

-- Erasing a person also drops what is held for them.
CREATE OR REPLACE FUNCTION forget_erased_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM contacts WHERE person_id = NEW.person_id;
    DELETE FROM inbox WHERE person_id = NEW.person_id;
    DELETE FROM preferences WHERE person_id = NEW.person_id;
    DELETE FROM people WHERE person_id = NEW.person_id;
    DELETE FROM timers WHERE kind IN ('notifications.horizon', 'notifications.held')
       AND payload->>'recipient_id' = NEW.person_id;
    UPDATE deliveries SET status = 'cancelled', last_error = 'person erased', finished_at = now()
     WHERE recipient_id = NEW.person_id AND status = 'scheduled';
    RETURN NEW;
END $$;
