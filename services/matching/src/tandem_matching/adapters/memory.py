"""The matching tables in memory: the fake that handler unit tests run on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tandem_matching.domain.round_record import StoredPreview
from tandem_matching.handlers.tables import (
    DirectoryEntry,
    PairEntry,
    PeerRequestRow,
    PrivateAnswers,
    Upserted,
)


@dataclass
class _Enrolment:
    status: str
    profile: dict[str, Any]
    private: PrivateAnswers
    rematch_requested: bool = False


@dataclass
class _IndexedPair:
    program_id: str
    member_ids: list[str]
    components: dict[str, float]
    active: bool = True


@dataclass
class InMemoryMatchingTables:
    """:class:`~tandem_matching.handlers.tables.MatchingTables` in dicts."""

    people: dict[str, DirectoryEntry] = field(default_factory=dict)
    enrolments: dict[tuple[str, str], _Enrolment] = field(default_factory=dict)
    pairs: dict[str, _IndexedPair] = field(default_factory=dict)
    requests: dict[str, PeerRequestRow] = field(default_factory=dict)
    previews: dict[str, StoredPreview] = field(default_factory=dict)

    async def save_preview(self, preview: StoredPreview) -> None:
        """Keep a previewed round under its token."""
        self.previews[preview.token] = preview

    async def preview(self, program_id: str, token: str) -> StoredPreview | None:
        """The program's preview of that token."""
        found = self.previews.get(token)
        return found if found is not None and found.program_id == program_id else None

    async def forget_previews(self, program_id: str, before_version: int, keep: int) -> None:
        """Drop the program's stale previews and all but its newest ``keep``."""
        mine = [p for p in self.previews.values() if p.program_id == program_id]
        current = [p for p in mine if p.program_version >= before_version]
        kept = {p.token for p in current[-keep:]} if keep else set()  # dicts keep insertion order
        for preview in mine:
            if preview.token not in kept:
                del self.previews[preview.token]

    async def save_peer_request(self, request: PeerRequestRow) -> None:
        """Insert the request, or update its status."""
        known = self.requests.get(request.request_id)
        self.requests[request.request_id] = (
            replace(known, status=request.status) if known else request
        )

    async def peer_requests(
        self, program_id: str, person_ids: Sequence[str]
    ) -> list[PeerRequestRow]:
        """The program's requests from or to any of these people, latest expiry first."""
        found = [
            r
            for r in self.requests.values()
            if r.program_id == program_id and {r.requester_id, r.peer_id} & set(person_ids)
        ]
        found.sort(key=lambda r: r.request_id)
        found.sort(key=lambda r: r.expires_at, reverse=True)
        return found

    async def upsert_people(self, entries: Sequence[DirectoryEntry]) -> list[Upserted]:
        """Insert or update by person id; only rows that changed come back."""
        changed = []
        for entry in entries:
            known = self.people.get(entry.person_id)
            if known != entry:
                self.people[entry.person_id] = entry
                changed.append(Upserted(entry.person_id, known is None, entry.departed_on))
        return changed

    async def person(self, person_id: str) -> DirectoryEntry | None:
        """The directory entry of one person."""
        return self.people.get(person_id)

    async def whole_directory(self) -> list[DirectoryEntry]:
        """Every entry."""
        return list(self.people.values())

    async def enrolments_of(self, person_ids: Sequence[str]) -> list[tuple[str, str]]:
        """(program, person) of every current enrolment of these people."""
        return sorted(
            key
            for key, e in self.enrolments.items()
            if key[1] in person_ids and e.status == "enrolled"
        )

    async def save_enrolment(
        self, program_id: str, person_id: str, profile: dict[str, Any], private: PrivateAnswers
    ) -> None:
        """Enrol (again) with this profile and these private answers."""
        known = self.enrolments.get((program_id, person_id))
        rematch = known.rematch_requested if known else False
        self.enrolments[(program_id, person_id)] = _Enrolment("enrolled", profile, private, rematch)

    async def withdraw_enrolment(self, program_id: str, person_id: str) -> None:
        """Mark the enrolment withdrawn."""
        if known := self.enrolments.get((program_id, person_id)):
            known.status, known.rematch_requested = "withdrawn", False

    async def mark_rematch(
        self, program_id: str, person_ids: Sequence[str] | None, wanted: bool
    ) -> None:
        """Set or clear 'wants new partners' (for everyone in the program when ids are None)."""
        for (program, person), enrolment in self.enrolments.items():
            if program == program_id and (person_ids is None or person in person_ids):
                enrolment.rematch_requested = wanted

    async def lock_roster(self, program_id: str) -> None:
        """Nothing to lock in one process."""

    async def enrolled(
        self, program_id: str, only: Sequence[str] | None
    ) -> list[Mapping[str, Any]]:
        """Enrolled, present people of the program with their directory fields and ``busy``."""
        rows: list[Mapping[str, Any]] = []
        for (program, person_id), e in sorted(self.enrolments.items()):
            person = self.people.get(person_id)
            if program != program_id or e.status != "enrolled" or person is None:
                continue
            if person.departed_on is not None or (only is not None and person_id not in only):
                continue
            rows.append(_row(person, e, busy=bool(await self.busy_pairs(program, [person_id]))))
        return rows

    async def manager_chains(self, person_ids: Sequence[str]) -> dict[str, list[str]]:
        """Each person's managers, nearest first (a cycle in the data stops the walk)."""
        chains: dict[str, list[str]] = {}
        for person_id in person_ids:
            chain: list[str] = []
            current = self.people.get(person_id)
            while current and current.manager_id and current.manager_id != person_id:
                if current.manager_id in chain or len(chain) >= 64:
                    break
                chain.append(current.manager_id)
                current = self.people.get(current.manager_id)
            if chain:
                chains[person_id] = chain
        return chains

    async def partners_in(self, program_id: str, person_ids: Sequence[str]) -> list[list[str]]:
        """Members of every pair in the program (past or active) that includes one of these."""
        return [
            list(p.member_ids)
            for p in self.pairs.values()
            if p.program_id == program_id and set(p.member_ids) & set(person_ids)
        ]

    async def active_pairs(self, program_id: str, person_id: str | None = None) -> list[str]:
        """The program's active pairs (of ``person_id`` when given)."""
        return sorted(
            pair_id
            for pair_id, p in self.pairs.items()
            if p.program_id == program_id
            and p.active
            and (person_id is None or person_id in p.member_ids)
        )

    async def busy_pairs(self, program_id: str, member_ids: Sequence[str]) -> list[str]:
        """Active pairs of the program that hold any of ``member_ids``."""
        return sorted(
            pair_id
            for pair_id, p in self.pairs.items()
            if p.program_id == program_id and p.active and set(p.member_ids) & set(member_ids)
        )

    async def index_pairs(self, program_id: str, pairs: Sequence[PairEntry]) -> None:
        """Index new, active pairs."""
        for p in pairs:
            self.pairs[p.pair_id] = _IndexedPair(program_id, list(p.member_ids), dict(p.components))

    async def deactivate_pair(self, pair_id: str) -> None:
        """The pair has ended."""
        if pair_id in self.pairs:
            self.pairs[pair_id] = replace(self.pairs[pair_id], active=False)


def _row(person: DirectoryEntry, e: _Enrolment, *, busy: bool) -> dict[str, Any]:
    traits = e.private.personality
    return {
        "person_id": person.person_id,
        "profile": e.profile,
        "personality": list(traits.as_tuple()) if traits else None,
        "work_start": e.private.work_start,
        "work_end": e.private.work_end,
        "rematch_requested": e.rematch_requested,
        "name": person.name,
        "level": person.level,
        "department": person.department,
        "team": person.team,
        "timezone": person.timezone,
        "languages": list(person.languages),
        "busy": busy,
    }
