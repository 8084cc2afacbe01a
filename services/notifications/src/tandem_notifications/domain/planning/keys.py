"""The tags that cancel pending notifications and the keys of the series that roll ahead."""

from __future__ import annotations


def program_channel(program_id: str) -> str:
    """The recipient id of a program's shared (webhook) channel."""
    return f"program:{program_id}"


def pair_tag(pair_id: str) -> str:
    """Everything a pair caused."""
    return f"pair:{pair_id}"


def member_tag(program_id: str, person_id: str) -> str:
    """Everything a person hears within one program."""
    return f"member:{program_id}:{person_id}"


def meetings_key(pair_id: str, person_id: str) -> str:
    """The series of a member's meeting reminders."""
    return f"meetings:{pair_id}:{person_id}"


def digests_key(program_id: str) -> str:
    """The series of a program's weekly digests."""
    return f"digests:{program_id}"


def series_keys(pair_id: str, person_id: str) -> tuple[str, ...]:
    """Every series a member has in a pair."""
    return (meetings_key(pair_id, person_id),)
