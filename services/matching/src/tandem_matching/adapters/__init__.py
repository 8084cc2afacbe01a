"""The matching service's write-side tables: PostgreSQL, and an in-memory fake for tests."""
