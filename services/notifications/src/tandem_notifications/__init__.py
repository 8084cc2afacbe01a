"""The Tandem notifications service: Introductions, reminders, celebrations and nudges: email, webhook, inbox."""
