"""The Tandem engagement service: pair workspaces, cadence, goals, check-ins, feedback."""
