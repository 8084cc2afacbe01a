"""Talking to the services as anyone: dev tokens, idempotent commands, patient retries."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

from tandem_service.auth import DevKeyPair, Role, mint_token

# The command was valid but the service has not seen what it refers to yet (eventual consistency).
NOT_YET_KNOWN = 409
PATIENCE_SECONDS = 300.0
CATCH_UP_SECONDS = 180.0
T = TypeVar("T")


class ReadModelBehind(Exception):
    """A read model did not show what the demo wrote before the deadline."""


async def until(
    probe: Callable[[], Awaitable[tuple[str, T]]], what: str, seconds: float = CATCH_UP_SECONDS
) -> T:
    """Poll ``probe`` (what is still missing, or "", and the value) until nothing is missing."""
    deadline = asyncio.get_running_loop().time() + seconds
    delay = 0.1
    while True:
        missing, seen = await probe()
        if not missing:
            return seen
        if asyncio.get_running_loop().time() > deadline:
            raise ReadModelBehind(f"{what} still behind after {seconds:.0f} s: {missing}")
        await asyncio.sleep(delay)
        delay = min(delay * 1.5, 1.0)


class CommandRefused(Exception):
    """A service answered a command with an error the demo cannot wait out."""

    def __init__(self, method: str, url: str, status: int, body: str) -> None:
        super().__init__(f"{method} {url} -> {status}: {body[:300]}")
        self.status = status


@dataclass
class Tandem:
    """The four services' base URLs, the dev signing key and a shared connection pool."""

    urls: dict[str, str]
    keys_dir: Path
    concurrency: int = 8
    responses: list[tuple[str, str, str]] = field(default_factory=list)
    _tokens: dict[tuple[str, Role], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._keys = DevKeyPair.load_or_create(self.keys_dir)
        self._http = httpx.AsyncClient(timeout=60)
        self._slots = asyncio.Semaphore(self.concurrency)

    def token(self, subject: str, role: Role) -> str:
        """A bearer token for ``subject`` with ``role`` (kept for the run)."""
        key = (subject, role)
        if key not in self._tokens:
            self._tokens[key] = mint_token(
                self._keys.private_pem, subject, [role], ttl_seconds=86400
            )
        return self._tokens[key]

    async def command(
        self, service: str, path: str, subject: str, role: Role, body: Any = None
    ) -> dict[str, Any]:
        """POST a command, one Idempotency-Key for all its retries; wait out not-yet-known."""
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        answer = await self._exchange("POST", service, path, subject, role, body, headers)
        result: dict[str, Any] = answer.json()
        return result

    async def put(
        self, service: str, path: str, subject: str, role: Role, body: Any
    ) -> dict[str, Any]:
        """PUT a setting, one Idempotency-Key for all its retries."""
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        answer = await self._exchange("PUT", service, path, subject, role, body, headers)
        result: dict[str, Any] = answer.json()
        return result

    async def read(self, service: str, path: str, subject: str, role: Role) -> Any:
        """GET a read model."""
        return (await self._exchange("GET", service, path, subject, role, None, {})).json()

    async def read_text(self, service: str, path: str, subject: str, role: Role) -> str:
        """GET a page (the dashboard) as text."""
        return (await self._exchange("GET", service, path, subject, role, None, {})).text

    async def read_all(self, service: str, path: str, subject: str, role: Role) -> list[Any]:
        """GET every page of a paged list, following its next links."""
        found: list[Any] = []
        following: str | None = path
        while following is not None:
            page = await self._exchange("GET", service, following, subject, role, None, {})
            found += page.json()
            link = page.links.get("next", {}).get("url")
            following = httpx.URL(link).raw_path.decode() if link else None
        return found

    async def _exchange(
        self,
        method: str,
        service: str,
        path: str,
        subject: str,
        role: Role,
        body: Any,
        headers: dict[str, str],
    ) -> httpx.Response:
        url = self.urls[service] + path
        headers = {**headers, "Authorization": f"Bearer {self.token(subject, role)}"}
        deadline = asyncio.get_running_loop().time() + PATIENCE_SECONDS
        delay = 0.2
        while True:
            async with self._slots:
                try:
                    response = await self._http.request(method, url, json=body, headers=headers)
                except httpx.TransportError:
                    response = None  # a service restarting (its clock moved): try again
            if response is not None:
                self.responses.append((role, url, response.text))
                if response.status_code < 400:
                    return response
                waitable = (
                    response.status_code == NOT_YET_KNOWN and "retry-after" in response.headers
                )
                if not waitable and response.status_code < 500:
                    raise CommandRefused(method, url, response.status_code, response.text)
            if asyncio.get_running_loop().time() > deadline:
                status = response.status_code if response is not None else 0
                raise CommandRefused(method, url, status, response.text if response else "down")
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 2.0)

    async def close(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()
