"""The engagement tables in memory: the fake handler unit tests run on (same contract)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tandem_engagement.domain.folding import fold
from tandem_engagement.domain.workspace import Workspace, workspace_stream
from tandem_engagement.handlers.tables import Missing, OpeningFacts
from tandem_events.catalog.base import DomainEvent
from tandem_service.commands import Appended
from tandem_service.commands.closing import Closing
from tandem_testkit.memory import InMemoryStreams


@dataclass
class InMemoryEngagementTables:
    """The directory in dictionaries."""

    programs: dict[str, tuple[str, str]] = field(default_factory=dict)
    people: dict[tuple[str, str], str] = field(default_factory=dict)
    withdrawals: dict[tuple[str, str], datetime] = field(default_factory=dict)
    workspaces: dict[str, tuple[str, tuple[str, ...], bool]] = field(default_factory=dict)
    reviews: dict[str, datetime] = field(default_factory=dict)
    # The streams the handlers append to (the in-memory store), read by load_workspace.
    streams: InMemoryStreams = field(default_factory=InMemoryStreams)

    async def load_workspace(self, pair_id: str) -> tuple[Workspace, int]:
        """The pair's workspace and stream version."""
        return await self.streams.load(workspace_stream(pair_id), Workspace(), fold)

    resources: dict[tuple[str, str], tuple[str, str, str, str]] = field(default_factory=dict)

    async def put_resource(
        self, program_id: str, slug: str, kind: str, title: str, body: str, by: str
    ) -> None:
        """Add or replace one of a program's resources or guides."""
        self.resources[(program_id, slug)] = (kind, title, body, by)

    async def seal(self, person_id: str, text: str) -> str:
        """A stand-in sealed value that names the person (no encryption in memory)."""
        encoded = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=") or "AA"
        owner = base64.urlsafe_b64encode(person_id.encode()).decode().rstrip("=")
        return f"sealed:v1:{owner}:{encoded}"

    async def append_workspace(
        self, pair_id: str, version: int, events: Sequence[DomainEvent]
    ) -> Appended:
        """Append to the pair's in-memory stream if it is still at ``version``."""
        return await self.streams.append(workspace_stream(pair_id), version, events)

    async def append_keeping(
        self,
        after: Workspace,
        version: int,
        events: Sequence[DomainEvent],
        review: datetime | None,
        closing: Closing | None = None,
    ) -> Appended:
        """Append, then keep the review (as PostgreSQL does in one statement); memory runs
        commands with a claim first, so ``closing`` never comes here with a record to keep."""
        appended = await self.append_workspace(after.pair_id, version, events)
        await self.keep_workspace(after, appended.version, review)
        return appended

    async def keep_workspace(self, state: Workspace, version: int, review: datetime | None) -> None:
        """Set the pair's next review (loads fold the in-memory stream: no snapshot needed)."""
        if review is None:
            self.reviews.pop(state.pair_id, None)
        else:
            self.reviews[state.pair_id] = review

    async def remember_program(self, program_id: str, purpose: str, owner_id: str) -> None:
        """Keep a launched program's purpose and owner."""
        self.programs[program_id] = (purpose, owner_id)

    async def remember_person(self, program_id: str, person_id: str, timezone: str) -> None:
        """Keep an enrolled person's timezone (an enrolment also cancels a withdrawal)."""
        self.people[(program_id, person_id)] = timezone
        self.withdrawals.pop((program_id, person_id), None)

    async def record_withdrawal(self, program_id: str, person_id: str, at: datetime) -> None:
        """Remember that a person left a program."""
        self.withdrawals[(program_id, person_id)] = at

    async def opening_facts(
        self, program_id: str, member_ids: tuple[str, ...]
    ) -> OpeningFacts | Missing:
        """The facts to open a pair's workspace, or what is still missing."""
        if program_id not in self.programs:
            return Missing(f"ProgramLaunched {program_id}", program_id)
        missing = [m for m in member_ids if (program_id, m) not in self.people]
        if missing:
            return Missing(f"ParticipantEnrolled {program_id}/{missing[0]}", missing[0])
        zones = {m: self.people[(program_id, m)] for m in member_ids}
        return OpeningFacts(self.programs[program_id][0], zones)

    async def withdrawn(self, program_id: str, member_ids: tuple[str, ...]) -> bool:
        """Whether one of the members has withdrawn from the program."""
        return any((program_id, m) in self.withdrawals for m in member_ids)

    async def index_workspace(
        self, pair_id: str, program_id: str, members: tuple[str, ...]
    ) -> None:
        """Record an opened workspace by its members."""
        self.workspaces.setdefault(pair_id, (program_id, members, True))

    async def close_workspace(self, pair_id: str) -> None:
        """Mark a workspace closed in the index."""
        if pair_id in self.workspaces:
            program_id, members, _ = self.workspaces[pair_id]
            self.workspaces[pair_id] = (program_id, members, False)

    async def open_pairs_of(self, program_id: str, person_id: str) -> list[str]:
        """The open workspaces a person has in a program."""
        return sorted(
            pair_id
            for pair_id, (program, members, is_open) in self.workspaces.items()
            if is_open and program == program_id and person_id in members
        )

    async def programs_owned_by(self, owner_id: str) -> list[str]:
        """The programs an admin launched."""
        return sorted(p for p, (_, owner) in self.programs.items() if owner == owner_id)
