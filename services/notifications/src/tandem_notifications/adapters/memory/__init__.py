"""In-memory notification tables for unit tests; the contract suite holds them to Postgres'."""
