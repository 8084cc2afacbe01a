"""One pair's week through engagement's API: cadence, goals, check-ins, feedback, pulses."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tandem_demo.client import Tandem
from tandem_demo.clock import SimulatedClock
from tandem_demo.tally import Pair, Tally
from tandem_service.auth import Role

Tick = Callable[[], None]


@dataclass
class PairWeek:
    """Plays pairs' weeks as their members would, each member with their own token."""

    tandem: Tandem
    clock: SimulatedClock
    tally: Tally

    async def play(self, pair: Pair, number: int, rng: random.Random, tick: Tick) -> None:
        """One week of ``pair``: start it, meet unless drifting, feedback, pulses, goals done."""
        if pair.pair_id.startswith("ended:"):
            tick()
            return
        first, second = pair.members[0], pair.members[1]
        if not pair.goals:
            await self._start(pair, rng)
        if pair.drifting and number > 1:
            tick()
            return
        today = self.clock.today()
        # A day's margin either side: members' local dates differ from UTC by up to one day.
        met_on = max(pair.opened_on + timedelta(days=1), today - timedelta(days=rng.randint(1, 3)))
        felt = rng.choice((1, 2, 2)) if pair.lukewarm else rng.choice((3, 4, 4, 5, 5))
        note = self.tally.secret(
            f"note {pair.pair_id[:8]} w{number}: talked about {rng.random():.6f}"
        )
        body = {
            "met_on": met_on.isoformat(),
            "duration_minutes": rng.choice((30, 45, 60)),
            "mode": rng.choice(("video", "call", "in_person")),
            "felt": felt,
            "topics": ["career"],
            "notes": note,
            "share_notes": rng.random() < 0.5,
        }
        base = f"/pairs/{pair.pair_id}"
        logged = await self._as(first, f"{base}/check-ins", body)
        self.tally.check_ins += 1
        words = self.tally.secret(f"feedback {pair.pair_id[:8]} w{number} {rng.random():.6f}")
        feedback = {
            "helpfulness": felt,
            "kind": rng.choice(("appreciation", "suggestion")),
            "text": words,
            "to_person_id": first if len(pair.members) > 2 else None,
        }
        await self._as(second, f"{base}/check-ins/{logged['id']}/feedback", feedback)
        self.tally.feedback += 1
        if number % 2 == 0:
            for member in pair.members:
                stress = rng.choice((4, 5)) if pair.lukewarm else rng.randint(1, 3)
                pulse = {
                    "stress": stress,
                    "belonging": rng.randint(2, 5),
                    "confidence": rng.randint(2, 5),
                }
                await self._as(member, f"{base}/pulse", pulse)
                self.tally.pulses += 1
        if number == 3:
            for goal_id, owner in list(pair.goals.items()):
                if rng.random() < 0.6:
                    await self._as(owner, f"{base}/goals/{goal_id}/complete")
                    self.tally.goals_completed += 1
        tick()

    async def _start(self, pair: Pair, rng: random.Random) -> None:
        """Propose a cadence, agree it, and set a goal each."""
        base = f"/pairs/{pair.pair_id}"
        terms = {"every_days": 7, "meeting_minutes": 30, "time_of_day": "any"}
        proposal = await self._as(pair.members[0], f"{base}/cadence/proposals", terms)
        await self._as(pair.members[1], f"{base}/cadence/proposals/{proposal['id']}/agree")
        self.tally.cadences_agreed += 1
        for member in pair.members:
            title = self.tally.secret(f"goal of {member}: {rng.random():.6f}")
            goal = {"title": title, "why": "to grow", "steps": ["read", "practise"]}
            made = await self._as(member, f"{base}/goals", goal)
            pair.goals[str(made["id"])] = member
            self.tally.goals_set += 1

    async def _as(self, member: str, path: str, body: Any = None) -> dict[str, Any]:
        return await self.tandem.command("engagement", path, member, Role.PARTICIPANT, body)
