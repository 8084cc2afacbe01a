"""Use cases: command in, load the workspace, decide, append in one transaction."""
