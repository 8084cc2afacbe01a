"""Read models of the matching service, built from events."""
