"""One kill of the drill: SIGKILL a part, bring it back, time how long until all converged."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import aiohttp

from tandem_events.projection import Projection
from tandem_testkit.private_kafka import PrivateKafka
from tandem_testkit.private_postgres import PrivatePostgres

from .drill_converge import LAST_ERROR, applied, nothing_overdue, relayed, stored_up_to, topic_ends
from .drill_load import Load
from .drill_stack import ServiceProcess

OUTAGE = 1.0  # seconds a killed part stays dead before the drill restarts it
PATIENCE = 90.0  # a kill not converged by then fails the drill
POLL = 0.5  # seconds between looks: the drill's own checks must not load the machine
KINDS = ("check_in", "enrol", "read")  # each must succeed again after every kill


@dataclass
class Parts:
    """Everything the drill can kill, and what it reads to decide convergence."""

    postgres: PrivatePostgres
    kafka: PrivateKafka
    processes: dict[str, ServiceProcess]
    dsn: dict[str, str]
    projections: dict[str, Sequence[Projection]]
    prefix: str
    topics: list[str]

    def targets(self) -> list[str]:
        """The kill order: broker, database, each API, then each worker (relay)."""
        apis = [n for n in self.processes if not n.endswith("-worker")]
        workers = [n for n in self.processes if n.endswith("-worker")]
        return ["broker", "postgres", *apis, *workers]

    def killer(self, target: str) -> tuple[Callable[[], None], Callable[[], None]]:
        """How to kill ``target`` and how to start it again."""
        if target == "broker":
            return self.kafka.kill, self.kafka.restart
        if target == "postgres":
            return self.postgres.kill, self.postgres.restart
        process = self.processes[target]
        return process.kill, process.start


class Waiting:
    """What a kill's healing waits for now, and since when (for the failure message)."""

    def __init__(self, t0: float) -> None:
        self._t0, self._what, self._since = t0, "the processes' health", t0
        self.stages: list[str] = []  # each wait with the seconds after the kill it began

    def on(self, what: str) -> None:
        """Now waiting for ``what``."""
        self._what, self._since = what, asyncio.get_running_loop().time()
        self.stages.append(f"{self._since - self._t0:.1f} {what[:40]}")

    def __str__(self) -> str:
        return f"{self._what} (since {self._since - self._t0:.1f} s after the kill)"


@dataclass
class Converged:
    """How long one kill took to heal, in seconds from the SIGKILL."""

    target: str
    restarted: float  # the drill started it again (the outage plus the start itself)
    serving: float  # every process answers /health and every kind of command a 2xx again
    converged: float  # and the backlog of before the restart has gone all the way through
    killed_at: float = 0.0  # wall clock (epoch seconds) of the SIGKILL


async def kill_and_heal(parts: Parts, load: Load, target: str) -> Converged:
    """SIGKILL ``target``, restart it after ``OUTAGE``, wait until converged."""
    loop = asyncio.get_running_loop()
    kill, start = parts.killer(target)
    t0, killed_at = loop.time(), time.time()
    kill()
    await asyncio.sleep(OUTAGE)
    await asyncio.to_thread(start)  # the broker takes seconds: the load keeps going meanwhile
    back = loop.time()
    waiting = Waiting(t0)
    try:
        async with asyncio.timeout(PATIENCE):
            await _serving(parts, load, back, waiting)
            serving = loop.time()
            await drained(parts, waiting)
    except TimeoutError:
        raise AssertionError(
            f"no convergence {PATIENCE:.0f} s after killing {target}: still waiting for "
            f"{waiting} (last check: {LAST_ERROR[0]}, loop lag {load.lag:.1f} s); "
            f"stages {waiting.stages}; "
            + "; ".join(f"{n} {p.state()}" for n, p in parts.processes.items())
        ) from None
    return Converged(target, back - t0, serving - t0, loop.time() - t0, killed_at)


async def _serving(parts: Parts, load: Load, since: float, waiting: Waiting) -> None:
    waiting.on("every process to answer /health")
    async with aiohttp.ClientSession() as http:
        while not all(await asyncio.gather(*(p.healthy(http) for p in parts.processes.values()))):
            await asyncio.sleep(POLL)
    for kind in KINDS:
        waiting.on(f"a {kind} command to succeed ({dict(load.accepted.failures)})")
        while load.accepted.last.get(kind, 0) < since:
            await asyncio.sleep(POLL)


async def drained(parts: Parts, waiting: Waiting) -> None:
    """Until what was stored before now has been relayed and applied, and no mail is late."""
    waiting.on("PostgreSQL")
    upto = await stored_up_to(parts.dsn)
    while upto is None:
        await asyncio.sleep(POLL)
        upto = await stored_up_to(parts.dsn)
    waiting.on(f"the relays to publish up to {upto}")
    while not await relayed(parts.dsn, upto):
        await asyncio.sleep(POLL)
    ends = await topic_ends(parts.kafka.bootstrap, parts.topics)
    waiting.on("the projections to apply what the relays published")
    while not await applied(parts.dsn, parts.projections, parts.prefix, ends):
        await asyncio.sleep(POLL)
    waiting.on("overdue notifications")
    while not await nothing_overdue(parts.dsn["notifications"]):
        await asyncio.sleep(POLL)
