"""Test fixtures on real servers: Kafka and PostgreSQL from env, testcontainers or the native stack."""
