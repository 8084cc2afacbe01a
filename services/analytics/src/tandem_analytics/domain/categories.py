"""Closed vocabularies the analytics data keeps, so no free text ever reaches a view."""

from __future__ import annotations

UNMATCHED_REASONS = frozenset({"no_compatible_peer", "odd_one_out"})
OTHER = "other"
K_ANONYMITY = 5  # the smallest group of distinct people any published figure may describe


def unmatched_reason(reason: str) -> str:
    """A matching round's reason code, or ``other`` for anything not in the vocabulary."""
    return reason if reason in UNMATCHED_REASONS else OTHER


def location_of(timezone: str) -> str:
    """The region part of an IANA time zone (``Europe/Paris`` -> ``Europe``): a coarse place."""
    region = timezone.split("/", 1)[0].strip()
    return region if region and region.isascii() and len(region) <= 32 else OTHER
