"""The program's story through the public APIs: directory, launch, enrolment, rounds, weeks."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tandem_demo.client import CommandRefused, Tandem, until
from tandem_demo.clock import SimulatedClock
from tandem_demo.organisation import Organisation, Person, profile, volunteers
from tandem_demo.pair_week import PairWeek, Tick
from tandem_demo.tally import Pair, Tally
from tandem_service.auth import Role

ADMIN = "demo-admin"
ENROLMENT_SHARE = 0.7
DRIFTING_SHARE = 0.12  # pairs that stop meeting after the first week
REMATCH_PAIRS = 3
CELEBRATION_SHARE = 0.8  # of enrolled people, who let milestones reach the program channel
NOT_FOUND = 404


@dataclass
class Story:
    """One run of the demo: a new program in the organisation."""

    tandem: Tandem
    clock: SimulatedClock
    org: Organisation
    seed: int
    tally: Tally = field(default_factory=Tally)
    program_id: str = ""
    pairs: list[Pair] = field(default_factory=list)
    enrolled: list[Person] = field(default_factory=list)
    sharing: set[str] = field(default_factory=set)

    async def import_directory(self) -> dict[str, Any]:
        """The organisation through matching's directory import (idempotent by person id)."""
        body = [p.as_import() for p in self.org.people]
        return await self.tandem.command(
            "matching", "/directory/people", ADMIN, Role.PROGRAM_ADMIN, body
        )

    async def launch(self) -> str:
        """Launch a program with a declared purpose; a new one on every run."""
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        body = {
            "name": f"Cross-team mentoring {stamp}",
            "purpose": "career_development",
            "description": "Peers from other departments help each other grow, one pair at a time.",
            "starts_on": self.clock.today().isoformat(),
            "suggested_cadence_days": 14,
            "goal_vocabulary": [
                "grow_as_a_manager",
                "learn_the_business",
                "build_a_network",
                "change_teams",
                "lead_a_project",
            ],
        }
        done = await self.tandem.command("matching", "/programs", ADMIN, Role.PROGRAM_ADMIN, body)
        self.program_id = str(done["id"])
        return self.program_id

    async def announce_to(self, webhook_url: str) -> str:
        """Point the program's chat channel at ``webhook_url``; returns its signing secret.

        Notifications learns the program from matching's events and answers 404 until then.
        """
        path = f"/programs/{self.program_id}/channels"
        body = {"webhook_url": webhook_url, "support": "Questions: the people team."}

        async def probe() -> tuple[str, str]:
            try:
                done = await self.tandem.put("notifications", path, ADMIN, Role.PROGRAM_ADMIN, body)
            except CommandRefused as refused:
                if refused.status != NOT_FOUND:
                    raise
                return "the program", ""
            return "", str(done["webhook_secret"])

        return await until(probe, "notifications' programs")

    async def share_celebrations(self) -> int:
        """Some enrolled people let their pair's milestones reach the program's channel."""
        rng = random.Random(f"{self.seed}:share")
        sharing = [p for p in self.enrolled if rng.random() < CELEBRATION_SHARE]
        body = {"share_celebrations": True}

        async def one(person: Person) -> None:
            await self.tandem.put(
                "notifications", "/preferences", person.person_id, Role.PARTICIPANT, body
            )
            self.sharing.add(person.person_id)

        await asyncio.gather(*(one(p) for p in sharing))
        return len(sharing)

    def volunteers(self) -> list[Person]:
        """Who enrols of their own accord in this run."""
        return volunteers(self.org, ENROLMENT_SHARE, self.seed)

    async def enrol(self, tick: Tick) -> int:
        """About 70 % enrol with a generated profile, each as themselves."""
        self.enrolled = self.volunteers()

        async def one(person: Person) -> None:
            path = f"/programs/{self.program_id}/enrolment"
            body = profile(person, self.seed)
            await self.tandem.command("matching", path, person.person_id, Role.PARTICIPANT, body)
            self.tally.enrolled += 1
            tick()

        await asyncio.gather(*(one(p) for p in self.enrolled))
        return len(self.enrolled)

    async def wait_roster(self) -> list[dict[str, Any]]:
        """Until matching's roster (a projection) shows every enrolment the demo made.

        Matching's API gives back no projection position to wait on, so the roster is polled.
        """
        path = f"/programs/{self.program_id}/roster"
        wanted = {p.person_id for p in self.enrolled}

        async def probe() -> tuple[str, list[dict[str, Any]]]:
            roster = await self.tandem.read("matching", path, ADMIN, Role.PROGRAM_ADMIN)
            missing = wanted - {r["person_id"] for r in roster}
            return (
                f"{len(missing)} of {len(wanted)} enrolments not shown" if missing else ""
            ), roster

        return await until(probe, f"matching's roster of program {self.program_id}")

    async def preview(self) -> dict[str, Any]:
        """A round's proposal with scores and reasons; nothing recorded."""
        path = f"/programs/{self.program_id}/rounds/preview"
        return await self.tandem.command("matching", path, ADMIN, Role.PROGRAM_ADMIN)

    async def commit_round(self) -> dict[str, Any]:
        """Record a round; its answer names each new pair's members (no read model to wait on)."""
        path = f"/programs/{self.program_id}/rounds"
        done = await self.tandem.command("matching", path, ADMIN, Role.PROGRAM_ADMIN)
        rng = random.Random(f"{self.seed}:round after {len(self.pairs)} pairs")
        opened = datetime.now(UTC).date()
        for pair_id, planned in zip(done["pair_ids"], done["pairs"], strict=True):
            drifting = rng.random() < DRIFTING_SHARE
            lukewarm = not drifting and rng.random() < 0.08
            members = list(planned["member_ids"])
            self.pairs.append(Pair(pair_id, members, opened, drifting, lukewarm))
        return done

    async def week(self, number: int, tick: Tick) -> None:
        """One simulated week for every open pair."""
        rng = random.Random(f"{self.seed}:week{number}")
        plans = [(pair, random.Random(rng.random())) for pair in self.pairs]
        playing = PairWeek(self.tandem, self.clock, self.tally)
        await asyncio.gather(*(playing.play(pair, number, r, tick) for pair, r in plans))

    async def rematch(self) -> tuple[int, int]:
        """A few members ask for a new partner; a round pairs them again if anyone can meet.

        Lukewarm pairs ask first; at least two pairs ask, since former partners never meet again.
        Returns the rematches asked and the new pairs made.
        """
        open_pairs = [p for p in self.pairs if not p.pair_id.startswith("ended:")]
        asking = sorted(open_pairs, key=lambda p: not p.lukewarm)[:REMATCH_PAIRS]
        for pair in asking:
            body = {"reason": "chemistry"}
            path = f"/pairs/{pair.pair_id}/rematch"
            await self.tandem.command("matching", path, pair.members[0], Role.PARTICIPANT, body)
            pair.pair_id = f"ended:{pair.pair_id}"
            self.tally.rematches += 1
        if not (await self.preview())["pairs"]:
            return len(asking), 0  # nobody left who can meet: committing would be refused
        return len(asking), len((await self.commit_round())["pair_ids"])

    def cross_team_share(self) -> float:
        """The share of pairs whose members come from more than one department."""
        department = {p.person_id: p.department for p in self.org.people}
        spans = Counter(len({department[m] for m in pair.members}) > 1 for pair in self.pairs)
        return spans[True] / max(1, len(self.pairs))
