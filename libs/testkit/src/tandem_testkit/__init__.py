"""Test fixtures on real servers: Kafka and PostgreSQL from env, containers or the native stack."""
