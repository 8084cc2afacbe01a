"""Personal free text sealed with a per-person key (AES-256-GCM); erasing the key shreds it.

A sealed value reads ``sealed:v1:<person id, base64url>:<nonce + ciphertext, base64url>``.
The person id is also the associated data, so a value cannot be moved to another person.
Keys live in the owning service's database (``person_keys``); once a person is erased the
key row is gone, and every copy of their text (the store, Kafka, backups of either) is noise.
"""

from __future__ import annotations

import base64
import os

import asyncpg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tandem_events.errors import EventError, TextErased

PREFIX = "sealed:v1:"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def owner_of(sealed: str) -> str:
    """The person whose key sealed ``sealed``."""
    if not sealed.startswith(PREFIX):
        raise EventError("not a sealed value")
    return _unb64(sealed[len(PREFIX) :].split(":", 1)[0]).decode()


class PersonKeyring:
    """Seals and unseals text for a person; erases a person's key for good."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def seal(self, person_id: str, text: str) -> str:
        """Encrypt ``text`` with ``person_id``'s key, creating the key on first use."""
        key = await self._key_for(person_id, create=True)
        nonce = os.urandom(12)
        ciphertext = AESGCM(key).encrypt(nonce, text.encode(), person_id.encode())
        return f"{PREFIX}{_b64(person_id.encode())}:{_b64(nonce + ciphertext)}"

    async def unseal(self, sealed: str) -> str:
        """Decrypt ``sealed``; raises :class:`TextErased` once its owner was erased."""
        person_id = owner_of(sealed)
        key = await self._key_for(person_id, create=False)
        blob = _unb64(sealed.rsplit(":", 1)[1])
        try:
            return AESGCM(key).decrypt(blob[:12], blob[12:], person_id.encode()).decode()
        except InvalidTag as exc:
            raise EventError("sealed value is corrupt or was tampered with") from exc

    async def unseal_or_none(self, sealed: str | None) -> str | None:
        """Unseal, or None for absent or erased text (what readers usually want)."""
        if sealed is None:
            return None
        try:
            return await self.unseal(sealed)
        except TextErased:
            return None

    async def erase(self, person_id: str) -> bool:
        """Destroy ``person_id``'s key (crypto-shredding); True when a key existed."""
        async with self._pool.acquire() as conn, conn.transaction():
            deleted = await conn.fetchval(
                "DELETE FROM person_keys WHERE person_id = $1 RETURNING 1", person_id
            )
            await conn.execute(
                "INSERT INTO erased_people (person_id) VALUES ($1) ON CONFLICT DO NOTHING",
                person_id,
            )
        return deleted is not None

    async def _key_for(self, person_id: str, *, create: bool) -> bytes:
        async with self._pool.acquire() as conn:
            key = await conn.fetchval(
                "SELECT data_key FROM person_keys WHERE person_id = $1", person_id
            )
            if key is not None:
                return bytes(key)
            if not create or await conn.fetchval(
                "SELECT 1 FROM erased_people WHERE person_id = $1", person_id
            ):
                raise TextErased(f"the text of {person_id!r} was erased")
            # Two first uses may race: the loser reads the winner's key.
            await conn.execute(
                "INSERT INTO person_keys (person_id, data_key) VALUES ($1, $2) "
                "ON CONFLICT (person_id) DO NOTHING",
                person_id,
                AESGCM.generate_key(bit_length=256),
            )
            return bytes(
                await conn.fetchval(
                    "SELECT data_key FROM person_keys WHERE person_id = $1", person_id
                )
            )
