"""Read models of the analytics service, built from events."""
