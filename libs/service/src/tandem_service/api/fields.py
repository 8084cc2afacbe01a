"""Field types the services' request bodies share."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator


def known_zone(value: str) -> str:
    """An IANA time zone name such as Europe/Lisbon; anything else is refused (a 422)."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r}; use an IANA name such as Europe/Lisbon"
        ) from None
    return value


TimeZoneName = Annotated[str, AfterValidator(known_zone)]
