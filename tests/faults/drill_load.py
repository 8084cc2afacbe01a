"""The drill's steady load: commands through the four public APIs, and what each one accepted.

Open loop at a fixed rate per kind, whatever the services do: a command that fails (5xx,
connection refused, timeout) is retried a few times with the SAME Idempotency-Key and, if
it never gets a 2xx, is simply not "accepted". What the retries may not do is double.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from tandem_service.auth import DevKeyPair, Role, mint_token

ADMIN = "drill-admin"
# 16 commands/s in all; TANDEM_DRILL_RATE scales it (e.g. 2 for 32/s on a quiet machine).
RATE = float(os.environ.get("TANDEM_DRILL_RATE", "1"))
ATTEMPTS = 3
IN_FLIGHT = 40  # beyond this a tick is skipped: an outage must not pile up thousands of calls
ALWAYS_OPEN: dict[str, Any] = {
    "timezone": "UTC",
    "work_start": "00:00:00",
    "work_end": "23:59:00",
    "quiet_start": None,
    "quiet_end": None,
    "weekend": [],
}


@dataclass
class Accepted:
    """The 2xx answers, by kind, and why the others failed."""

    check_ins: list[str] = field(default_factory=list)
    enrolled: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)  # 2xx answers per kind
    failures: Counter[str] = field(default_factory=Counter)
    last: dict[str, float] = field(default_factory=dict)  # kind -> monotonic time of last 2xx


class Load:
    """Sends the drill's commands as the people of one program."""

    def __init__(self, urls: dict[str, str], keys: Path, program_id: str) -> None:
        self.urls, self.program_id = urls, program_id
        self.accepted = Accepted()
        self.pairs: list[tuple[str, str]] = []  # (pair id, a member) engagement knows
        self.waiting: list[tuple[str, dict[str, Any]]] = []  # (person, profile) to enrol
        self._keys = DevKeyPair.load_or_create(keys)
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        self._slots = asyncio.Semaphore(IN_FLIGHT)
        self._tokens: dict[tuple[str, Role], str] = {}
        self.lag = 0.0  # the longest the event loop was late, for failure messages

    def token(self, subject: str, role: Role) -> str:
        """A bearer token for ``subject`` with ``role`` (kept for the drill)."""
        key = (subject, role)
        if key not in self._tokens:
            self._tokens[key] = mint_token(
                self._keys.private_pem, subject, [role], ttl_seconds=3600
            )
        return self._tokens[key]

    async def send(
        self, method: str, service: str, path: str, subject: str, role: Role, body: Any = None
    ) -> Any:
        """One command, one key, a few attempts; the answer's JSON on a 2xx, else None."""
        headers = {"Authorization": f"Bearer {self.token(subject, role)}"}
        if method != "GET":
            headers["Idempotency-Key"] = uuid.uuid4().hex
        kind = "no answer"
        for attempt in range(ATTEMPTS):
            if attempt:
                await asyncio.sleep(0.5 * attempt)
            try:
                async with self._http.request(
                    method, self.urls[service] + path, json=body, headers=headers
                ) as answer:
                    if answer.ok:
                        return await answer.json()
                    status = answer.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                kind = f"{service} {type(exc).__name__}"
                continue
            kind = f"{service} HTTP {status}"
            if status < 500 and status != 409:
                break
        self.accepted.failures[kind] += 1
        return None

    async def check_in(self, n: int) -> None:
        """A check-in by a member of one of the known pairs."""
        pair_id, member = self.pairs[n % len(self.pairs)]
        body = {"met_on": datetime.now(UTC).date().isoformat(), "duration_minutes": 30, "felt": 4}
        done = await self.send(
            "POST", "engagement", f"/pairs/{pair_id}/check-ins", member, Role.PARTICIPANT, body
        )
        self._note("check_in", done, lambda: self.accepted.check_ins.append(str(done["id"])))

    async def enrol(self, n: int) -> None:
        """The next waiting person enrols, and opens their hours for notifications."""
        if not self.waiting:
            return
        person, body = self.waiting.pop()
        path = f"/programs/{self.program_id}/enrolment"
        done = await self.send("POST", "matching", path, person, Role.PARTICIPANT, body)
        self._note("enrol", done, lambda: self.accepted.enrolled.append(person))
        await self.open_hours(person, share=n % 2 == 0)

    async def open_hours(self, person: str, share: bool) -> None:
        """Preferences: reachable at any hour (so mail goes now), milestones shared or not."""
        body = {**ALWAYS_OPEN, "share_celebrations": share}
        done = await self.send(
            "PUT", "notifications", "/preferences", person, Role.PARTICIPANT, body
        )
        self._note("preferences", done)

    async def round(self, n: int) -> None:
        """A match round for whoever enrolled since the last one (introductions follow)."""
        path = f"/programs/{self.program_id}/rounds"
        done = await self.send("POST", "matching", path, ADMIN, Role.PROGRAM_ADMIN)
        self._note("round", done)

    async def read(self, n: int) -> None:
        """An admin reads analytics' figures."""
        path = f"/api/v1/programs/{self.program_id}/figures"
        done = await self.send("GET", "analytics", path, ADMIN, Role.PROGRAM_ADMIN)
        self._note("read", done)

    def _note(self, kind: str, done: Any, record: Callable[[], None] | None = None) -> None:
        if done is None:
            return
        if record is not None:
            record()
        self.accepted.counts[kind] += 1
        self.accepted.last[kind] = asyncio.get_running_loop().time()

    async def run(self, stop: asyncio.Event) -> None:
        """Every kind at its rate until ``stop``; then wait for the calls in flight."""
        kinds: list[tuple[Callable[[int], Awaitable[None]], float]] = [
            (self.check_in, 10.0 * RATE),
            (self.enrol, 2.0 * RATE),  # and as many preferences
            (self.read, 2.0 * RATE),
            (self.round, 1 / 12),
        ]
        watching = asyncio.create_task(self._watch_lag(stop))
        await asyncio.gather(*(self._steady(f, rate, stop) for f, rate in kinds))
        await watching

    async def _watch_lag(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            before = loop.time()
            await asyncio.sleep(0.1)
            self.lag = max(self.lag, loop.time() - before - 0.1)

    async def _steady(
        self, command: Callable[[int], Awaitable[None]], rate: float, stop: asyncio.Event
    ) -> None:
        loop = asyncio.get_running_loop()
        start, calls = loop.time(), set[asyncio.Task[None]]()
        for n in itertools.count():
            if stop.is_set():
                break
            await asyncio.sleep(max(0.0, start + n / rate - loop.time()))
            if self._slots.locked():
                self.accepted.failures["skipped (too many in flight)"] += 1
                continue
            calls.add(asyncio.create_task(self._slotted(command(n))))
            calls = {c for c in calls if not c.done()}
        await asyncio.gather(*calls)

    async def _slotted(self, call: Awaitable[None]) -> None:
        async with self._slots:
            await call

    async def close(self) -> None:
        """Close the connection pool."""
        await self._http.close()
