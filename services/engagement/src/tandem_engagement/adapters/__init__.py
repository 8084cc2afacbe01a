"""The engagement service's adapters: its write-side SQL behind small ports."""
