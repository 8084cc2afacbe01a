"""Command handlers: load the stream, decide in the domain, append (one transaction)."""
