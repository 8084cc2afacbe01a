"""Personal free text sealed with a per-person data key (AES-256-GCM); erasing the key shreds it.

A sealed value reads ``sealed:v1:<person id, base64url>:<nonce + ciphertext, base64url>``.
The person id is also the associated data, so a value cannot be moved to another person.

Data keys live in the owning service's database, schema ``keyring`` (``person_keys``), only
ever wrapped by a key-encryption key (KEK, see :mod:`tandem_events.key_wrapping`) that is not
in the database. What erasure does, exactly: it deletes the person's wrapped data key and
records the person in ``keyring.erased_people`` (no key is ever made for them again). From
then on no copy of their sealed text -- in the store, on Kafka -- can be decrypted, even with
the KEK. A backup of the keyring taken before the erasure still holds the wrapped key: alone
it decrypts nothing (the KEK is not in it), but together with that KEK it does, until the KEK
is retired (rotate to a new KEK, let every key be rewrapped, destroy the old one) or the
backup expires. docs/decisions/0009-key-encryption-keys.md says how operators keep that promise.
"""

from __future__ import annotations

import base64
import os

import asyncpg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tandem_events.backbone_settings import BackboneSettings
from tandem_events.errors import EventError, TextErased
from tandem_events.key_wrapping import KeyUnavailable, KeyWrapper, wrapper_from
from tandem_events.sealing_keys import SealingKeys

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


_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('tandem-person:' || $1, 0))"


class PersonKeyring:
    """Seals and unseals text for a person; erases a person's key for good.

    ``wrapper`` defaults to the KEK in the settings (``TANDEM_KEY_ENCRYPTION_KEY``); erasing
    needs no KEK, sealing and unsealing do. ``sealing_keys``, shared by the keyrings of one
    process, lets sealing skip the key's read for a few seconds (see :mod:`.sealing_keys`).
    """

    def __init__(
        self,
        pool: asyncpg.Pool,
        wrapper: KeyWrapper | None = None,
        sealing_keys: SealingKeys | None = None,
    ) -> None:
        self._pool = pool
        self._wrapper = wrapper if wrapper is not None else wrapper_from(BackboneSettings())
        self._sealing_keys = sealing_keys
        # Keys this keyring made: on a caller's connection their rows commit or roll back
        # with the caller's transaction, so they are kept only once read back committed.
        self._made: set[str] = set()

    async def seal(self, person_id: str, text: str) -> str:
        """Encrypt ``text`` with ``person_id``'s key, creating the key on first use."""
        kept = self._sealing_keys
        key = kept.get(person_id) if kept is not None else None
        if key is None:
            key = await self._key_for(person_id, create=True)
            if kept is not None and person_id not in self._made:
                kept.keep(person_id, key)
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
        """Delete ``person_id``'s wrapped key and bar new ones; True when a key existed."""
        if self._sealing_keys is not None:
            self._sealing_keys.forget(person_id)
        async with self._pool.acquire() as conn, conn.transaction():
            # Serialised with a first seal for the same person (see _create).
            await conn.execute(_LOCK, person_id)
            deleted = await conn.fetchval(
                "DELETE FROM keyring.person_keys WHERE person_id = $1 RETURNING 1", person_id
            )
            await conn.execute(
                "INSERT INTO keyring.erased_people (person_id) VALUES ($1) ON CONFLICT DO NOTHING",
                person_id,
            )
        return deleted is not None

    async def _key_for(self, person_id: str, *, create: bool) -> bytes:
        wrapper = self._wrapper
        if wrapper is None:
            raise KeyUnavailable("no key-encryption key: set TANDEM_KEY_ENCRYPTION_KEY")
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(
                "SELECT data_key, kek_id FROM keyring.person_keys WHERE person_id = $1",
                person_id,
            )
            if row is None and create:
                row = await self._create(conn, wrapper, person_id)
                self._made.add(person_id)
            if row is None:
                raise TextErased(f"the text of {person_id!r} was erased")
            if row["kek_id"] is None:  # written before wrapping existed: wrap it now
                key = bytes(row["data_key"])
                await self._store_wrapped(conn, wrapper, person_id, key, row["data_key"])
                return key
            key = await wrapper.unwrap(person_id, bytes(row["data_key"]), row["kek_id"])
            if row["kek_id"] != wrapper.kek_id:  # under a retired KEK: rewrap under the new
                await self._store_wrapped(conn, wrapper, person_id, key, row["data_key"])
            return key

    async def _create(
        self, conn: asyncpg.Connection, wrapper: KeyWrapper, person_id: str
    ) -> asyncpg.Record | None:
        fresh = AESGCM.generate_key(bit_length=256)
        wrapped = await wrapper.wrap(person_id, fresh)
        async with conn.transaction():
            # The lock erase takes too: an erasure either happened before (no key is made)
            # or waits until this key exists (and deletes it).
            await conn.execute(_LOCK, person_id)
            if await conn.fetchval(
                "SELECT 1 FROM keyring.erased_people WHERE person_id = $1", person_id
            ):
                return None
            # Two first uses may race: the loser reads the winner's key.
            await conn.execute(
                "INSERT INTO keyring.person_keys (person_id, data_key, kek_id) "
                "VALUES ($1, $2, $3) ON CONFLICT (person_id) DO NOTHING",
                person_id,
                wrapped,
                wrapper.kek_id,
            )
            return await conn.fetchrow(
                "SELECT data_key, kek_id FROM keyring.person_keys WHERE person_id = $1",
                person_id,
            )

    async def _store_wrapped(
        self,
        conn: asyncpg.Connection,
        wrapper: KeyWrapper,
        person_id: str,
        key: bytes,
        was: bytes,
    ) -> None:
        await conn.execute(
            "UPDATE keyring.person_keys SET data_key = $2, kek_id = $3 "
            "WHERE person_id = $1 AND data_key = $4",
            person_id,
            await wrapper.wrap(person_id, key),
            wrapper.kek_id,
            was,
        )
