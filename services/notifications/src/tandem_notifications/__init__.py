"""The Tandem notifications service: intros, reminders, celebrations and nudges."""
