"""The Tandem notifications service: Introductions, reminders, celebrations and nudges by email, webhook and in-app inbox."""
