-- depends: notifications_0004_held_notifications
-- An owner's channel settings leave the planner's `programs` table for their own. The planner's
-- tables are rebuilt from the log, and a rebuild cannot know what only a command wrote: it
-- would have dropped every program's webhook, secret, support text and channel defaults.
CREATE TABLE program_settings (
    program_id       text PRIMARY KEY,
    support          text NOT NULL DEFAULT '',
    channel_defaults jsonb NOT NULL DEFAULT '{}'::jsonb,
    webhook_url      text,
    webhook_secret   text
);

INSERT INTO program_settings (program_id, support, channel_defaults, webhook_url, webhook_secret)
SELECT program_id, support, channel_defaults, webhook_url, webhook_secret FROM programs
WHERE support <> '' OR channel_defaults <> '{}'::jsonb OR webhook_url IS NOT NULL;

ALTER TABLE programs
    DROP COLUMN support,
    DROP COLUMN channel_defaults,
    DROP COLUMN webhook_url,
    DROP COLUMN webhook_secret;
