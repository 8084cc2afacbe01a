"""Contact details from matching's directory over HTTP, with a ``service`` token.

The contract (to be served by matching, see ADR 0013)::

    GET /directory/contacts?person_id=a&person_id=b      (at most 100 ids; role: service)
    200 {"contacts": [{"person_id", "name", "email", "timezone"}], "unknown": ["b"]}

A person who left the organisation is ``unknown``: nobody should write to them any more.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import httpx
from pydantic import BaseModel, Field, ValidationError

from tandem_notifications.domain.errors import TemporaryFailure

MAX_IDS = 100


@dataclass(frozen=True)
class Contact:
    """How to reach a person."""

    person_id: str
    name: str
    email: str
    timezone: str = "UTC"


class _ContactOut(BaseModel):
    person_id: str
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=320)
    timezone: str = "UTC"


class _ContactsOut(BaseModel):
    contacts: list[_ContactOut]
    unknown: list[str] = Field(default_factory=list)


TokenSource = Callable[[], Awaitable[str]]


class MatchingDirectory:
    """Looks people up in matching's directory; failures of the directory are temporary."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, token: TokenSource) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        self._token = token

    async def lookup(self, person_ids: Sequence[str]) -> dict[str, Contact]:
        """The contacts of those of ``person_ids`` the directory knows."""
        found: dict[str, Contact] = {}
        ids = sorted(set(person_ids))
        # Pages at once: a batch's new people are looked up in one round trip's time.
        pages = [ids[start : start + MAX_IDS] for start in range(0, len(ids), MAX_IDS)]
        for page in await asyncio.gather(*(self._page(p) for p in pages)):
            found.update(page)
        return found

    async def _page(self, ids: list[str]) -> dict[str, Contact]:
        headers = {"Authorization": f"Bearer {await self._token()}"}
        try:
            response = await self._client.get(
                f"{self._base}/directory/contacts",
                params=[("person_id", i) for i in ids],
                headers=headers,
            )
        except httpx.HTTPError as exc:
            raise TemporaryFailure(f"directory unreachable: {exc!r}") from exc
        if response.status_code != 200:
            raise TemporaryFailure(f"directory answered {response.status_code}")
        try:
            body = _ContactsOut.model_validate_json(response.content)
        except ValidationError as exc:
            raise TemporaryFailure(f"directory answered an unexpected body: {exc}") from exc
        return {
            c.person_id: Contact(c.person_id, c.name, c.email, c.timezone)
            for c in body.contacts
            if c.person_id in ids
        }
