"""The engagement domain: pure Python, no I/O."""
