"""Before the drill: a directory, a program with a chat channel, a first round of pairs.

All through the public APIs, as the demo does; the drill's load then enrols the rest, runs
more rounds (introductions by mail) and logs check-ins on the pairs engagement has learnt.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from tandem_demo.inboxes import Inboxes
from tandem_demo.organisation import organisation, profile
from tandem_service.auth import Role

from .drill_load import ADMIN, Load

PEOPLE = 400
FIRST_ROUND = 40
SEED = 17
T = TypeVar("T")


async def _until(what: str, attempt: Callable[[], Awaitable[T | None]], seconds: float = 60) -> T:
    """Call ``attempt`` until it answers something other than None."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        done = await attempt()
        if done is not None:
            return done
        await asyncio.sleep(0.3)
    raise AssertionError(f"seeding: {what} did not happen in {seconds:.0f} s")


async def seed(load: Load, inboxes: Inboxes) -> None:
    """Directory, program, channel, a first round; fills ``load.pairs`` and ``load.waiting``."""
    # Everyone in UTC: a check-in dated today is today for both members.
    org = organisation(PEOPLE, SEED, "drill")
    people = [dataclasses.replace(p, timezone="UTC") for p in org.people]
    body = [p.as_import() for p in people]
    await _until(
        "the import",
        lambda: load.send("POST", "matching", "/directory/people", ADMIN, Role.PROGRAM_ADMIN, body),
    )
    launch = {
        "name": "Fault drill",
        "purpose": "career_development",
        "starts_on": datetime.now(UTC).date().isoformat(),
        "suggested_cadence_days": 14,
    }
    program = await _until(
        "the launch",
        lambda: load.send("POST", "matching", "/programs", ADMIN, Role.PROGRAM_ADMIN, launch),
    )
    load.program_id = str(program["id"])
    channel = {"webhook_url": inboxes.hooks.url, "support": "The drill."}
    path = f"/programs/{load.program_id}/channels"
    set_up = await _until(
        "the channel",
        lambda: load.send("PUT", "notifications", path, ADMIN, Role.PROGRAM_ADMIN, channel),
    )
    inboxes.hooks.secret = str(set_up["webhook_secret"])
    load.waiting = [(p.person_id, profile(p, SEED)) for p in reversed(people)]
    await asyncio.gather(*(load.enrol(n) for n in range(FIRST_ROUND)))
    await _first_round(load)


async def _first_round(load: Load) -> None:
    enrolled = set(load.accepted.enrolled)
    roster = f"/programs/{load.program_id}/roster"

    async def shown() -> Any:
        rows = await load.send("GET", "matching", roster, ADMIN, Role.PROGRAM_ADMIN)
        return rows if rows and enrolled <= {r["person_id"] for r in rows} else None

    await _until("the roster", shown)
    path = f"/programs/{load.program_id}/rounds"
    done = await _until(
        "the first round", lambda: load.send("POST", "matching", path, ADMIN, Role.PROGRAM_ADMIN)
    )
    pairs = [(i, p["member_ids"][0]) for i, p in zip(done["pair_ids"], done["pairs"], strict=True)]

    async def known() -> bool | None:
        for pair_id, member in pairs:
            path = f"/pairs/{pair_id}/workspace"
            if await load.send("GET", "engagement", path, member, Role.PARTICIPANT) is None:
                return None
        return True

    await _until("engagement learning the pairs", known)
    load.pairs = pairs
