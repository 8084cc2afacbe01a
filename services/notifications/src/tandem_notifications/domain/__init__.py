"""The notifications domain: pure Python, no I/O."""
