"""The shared request field types."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from tandem_service.api.fields import TimeZoneName


class Where(BaseModel):
    timezone: TimeZoneName | None = None


def test_a_time_zone_is_an_iana_name() -> None:
    assert Where(timezone="Europe/Lisbon").timezone == "Europe/Lisbon"
    assert Where().timezone is None


@pytest.mark.parametrize("name", ["Mars/Olympus", "../etc/passwd", ""])
def test_an_unknown_time_zone_is_refused_naming_the_field(name: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Where(timezone=name)
    assert refused.value.errors()[0]["loc"] == ("timezone",)
