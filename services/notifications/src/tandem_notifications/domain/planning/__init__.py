"""Who hears what, and when it is due: pure answers to matching's and engagement's events."""
