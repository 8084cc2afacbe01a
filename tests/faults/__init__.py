"""Cross-cutting fault tests on the real servers: crashes, kills and broker outages."""
