"""Read models of the engagement service, built from events."""
