"""The port: what handlers read and write besides the event streams, in their transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from tandem_matching.domain.profile import Personality
from tandem_matching.domain.round_record import StoredPreview


@dataclass(frozen=True)
class PairEntry:
    """A new, active pair as the write side indexes it (who is busy, with which components)."""

    pair_id: str
    member_ids: tuple[str, ...]
    components: dict[str, float]


@dataclass(frozen=True)
class DirectoryEntry:
    """One person as the organisation's directory knows them."""

    person_id: str
    name: str
    email: str
    level: int
    department: str = ""
    team: str = ""
    manager_id: str | None = None
    timezone: str = "UTC"
    languages: tuple[str, ...] = ()
    departed_on: date | None = None


@dataclass(frozen=True)
class Upserted:
    """One directory row the import created or changed."""

    person_id: str
    created: bool
    departed_on: date | None


@dataclass(frozen=True)
class PeerRequestRow:
    """A peer request as stored beside its events."""

    request_id: str
    program_id: str
    requester_id: str
    peer_id: str
    status: str
    expires_at: datetime
    note: str = ""


@dataclass(frozen=True)
class PrivateAnswers:
    """What stays in this database only: personality answers and local working hours."""

    personality: Personality | None = None
    work_start: float = 9.0
    work_end: float = 17.0


class MatchingTables(Protocol):
    """The directory, enrolments (with private answers) and the index of pairs."""

    async def upsert_people(self, entries: Sequence[DirectoryEntry]) -> list[Upserted]: ...

    async def person(self, person_id: str) -> DirectoryEntry | None: ...

    async def whole_directory(self) -> list[DirectoryEntry]: ...

    async def enrolments_of(self, person_ids: Sequence[str]) -> list[tuple[str, str]]: ...

    async def save_enrolment(
        self, program_id: str, person_id: str, profile: dict[str, Any], private: PrivateAnswers
    ) -> None: ...

    async def withdraw_enrolment(self, program_id: str, person_id: str) -> None: ...

    async def mark_rematch(
        self, program_id: str, person_ids: Sequence[str] | None, wanted: bool
    ) -> None: ...

    async def lock_roster(self, program_id: str) -> None: ...

    async def enrolled(
        self, program_id: str, only: Sequence[str] | None
    ) -> list[Mapping[str, Any]]: ...

    async def manager_chains(self, person_ids: Sequence[str]) -> dict[str, list[str]]: ...

    async def partners_in(self, program_id: str, person_ids: Sequence[str]) -> list[list[str]]: ...

    async def active_pairs(self, program_id: str, person_id: str | None = None) -> list[str]: ...

    async def busy_pairs(self, program_id: str, member_ids: Sequence[str]) -> list[str]: ...

    async def index_pairs(self, program_id: str, pairs: Sequence[PairEntry]) -> None: ...

    async def deactivate_pair(self, pair_id: str) -> None: ...

    async def save_peer_request(self, request: PeerRequestRow) -> None: ...

    async def peer_requests(
        self, program_id: str, person_ids: Sequence[str]
    ) -> list[PeerRequestRow]: ...

    async def save_preview(self, preview: StoredPreview) -> None: ...

    async def preview(self, program_id: str, token: str) -> StoredPreview | None: ...

    async def forget_previews(self, program_id: str, before_version: int, keep: int) -> None:
        """Drop the program's previews made before ``before_version`` and all but its newest
        ``keep``: a preview of an older program version can never be committed."""
