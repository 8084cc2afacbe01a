"""Read models of the notifications service, built from events."""
