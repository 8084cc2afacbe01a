"""The Tandem engagement service: Pair workspaces: cadence, goals, check-ins, feedback, milestones, health."""
