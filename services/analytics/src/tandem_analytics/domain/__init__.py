"""The analytics domain: pure Python, no I/O."""
