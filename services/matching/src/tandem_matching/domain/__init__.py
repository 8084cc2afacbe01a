"""The matching domain: pure Python, no I/O."""
