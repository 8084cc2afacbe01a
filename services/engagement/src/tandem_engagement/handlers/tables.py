"""The port: what handlers read and write besides the event streams, in their transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tandem_engagement.domain.workspace import Workspace
from tandem_events.catalog.base import DomainEvent
from tandem_service.commands import Appended
from tandem_service.commands.closing import Closing


@dataclass(frozen=True)
class OpeningFacts:
    """What a workspace needs from matching before it opens: purpose and members' timezones."""

    purpose: str
    timezones: dict[str, str]


@dataclass(frozen=True)
class Missing:
    """A matching event a workspace still waits for, and that event's record key: the parked
    PairCreated is retried the moment an event with this key is applied."""

    what: str
    key: str


class EngagementTables(Protocol):
    """The directory kept from matching.events, sealing, workspace snapshots and reviews."""

    async def remember_program(self, program_id: str, purpose: str, owner_id: str) -> None:
        """Keep a launched program's purpose and owner."""

    async def remember_person(self, program_id: str, person_id: str, timezone: str) -> None:
        """Keep an enrolled person's timezone (an enrolment also cancels a withdrawal)."""

    async def record_withdrawal(self, program_id: str, person_id: str, at: datetime) -> None:
        """Remember that a person left a program."""

    async def opening_facts(
        self, program_id: str, member_ids: tuple[str, ...]
    ) -> OpeningFacts | Missing:
        """The facts to open a pair's workspace, or what is still missing."""

    async def withdrawn(self, program_id: str, member_ids: tuple[str, ...]) -> bool:
        """Whether one of the members has withdrawn from the program."""

    async def index_workspace(
        self, pair_id: str, program_id: str, members: tuple[str, ...]
    ) -> None:
        """Record an opened workspace by its members."""

    async def close_workspace(self, pair_id: str) -> None:
        """Mark a workspace closed in the index."""

    async def open_pairs_of(self, program_id: str, person_id: str) -> list[str]:
        """The open workspaces a person has in a program."""

    async def programs_owned_by(self, owner_id: str) -> list[str]:
        """The programs an admin launched."""

    async def load_workspace(self, pair_id: str) -> tuple[Workspace, int]:
        """The pair's workspace and stream version, read in this transaction."""

    async def seal(self, person_id: str, text: str) -> str:
        """``text`` sealed with the person's own key (created on first use)."""

    async def append_workspace(
        self, pair_id: str, version: int, events: Sequence[DomainEvent]
    ) -> Appended:
        """Append to the pair's stream if it is still at ``version`` (else ConcurrencyError)."""

    async def append_keeping(
        self,
        after: Workspace,
        version: int,
        events: Sequence[DomainEvent],
        review: datetime | None,
        closing: Closing | None = None,
    ) -> Appended:
        """Append at ``version`` (else ConcurrencyError) and keep ``after`` with its review;
        with ``closing``, the command's record too, all or nothing."""

    async def keep_workspace(self, state: Workspace, version: int, review: datetime | None) -> None:
        """Snapshot the workspace at ``version`` and set its next review (None: never again)."""

    async def put_resource(
        self, program_id: str, slug: str, kind: str, title: str, body: str, by: str
    ) -> None:
        """Add or replace one of a program's resources or guides."""
