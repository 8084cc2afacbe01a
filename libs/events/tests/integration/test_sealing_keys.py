"""Kept sealing keys: a process seals without rereading a key, and erasure still wins."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from tandem_events.errors import TextErased
from tandem_events.key_wrapping import SecretKeyWrapper
from tandem_events.sealing import PersonKeyring
from tandem_events.sealing_keys import SealingKeys


class _Now:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


class _OneConnection:
    """A connection handed out as a pool (how a service seals inside its command)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[asyncpg.Connection]:
        yield self._conn


async def test_an_erasure_elsewhere_opens_nothing_and_the_kept_key_expires(
    pool: asyncpg.Pool,
) -> None:
    wrapper, now = SecretKeyWrapper(os.urandom(32)), _Now()
    kept = SealingKeys(ttl=30, clock=now)
    await PersonKeyring(pool, wrapper, kept).seal("ana", "an earlier command made the key")
    api = PersonKeyring(pool, wrapper, kept)
    before = await api.seal("ana", "kept from here on")
    assert kept.get("ana") is not None

    await PersonKeyring(pool, wrapper).erase("ana")  # another process: this one is not told

    late = await api.seal("ana", "written in the seconds after the erasure")
    for sealed in (before, late):
        with pytest.raises(TextErased):
            await api.unseal(sealed)  # the kept key never opens anything
    now.seconds = 30
    with pytest.raises(TextErased):
        await api.seal("ana", "past the kept time the erasure refuses it")


async def test_an_erasure_through_the_same_keyring_forgets_the_key_at_once(
    pool: asyncpg.Pool,
) -> None:
    kept = SealingKeys()
    wrapper = SecretKeyWrapper(os.urandom(32))
    await PersonKeyring(pool, wrapper, kept).seal("ana", "an earlier command made the key")
    keyring = PersonKeyring(pool, wrapper, kept)
    await keyring.seal("ana", "kept")
    assert kept.get("ana") is not None
    await keyring.erase("ana")
    with pytest.raises(TextErased):
        await keyring.seal("ana", "refused")


async def test_a_key_made_in_a_rolled_back_command_is_never_kept(pool: asyncpg.Pool) -> None:
    wrapper, kept = SecretKeyWrapper(os.urandom(32)), SealingKeys()
    async with pool.acquire() as conn:
        command = conn.transaction()
        await command.start()
        in_command = PersonKeyring(_OneConnection(conn), wrapper, kept)
        await in_command.seal("ana", "title")  # makes the key
        await in_command.seal("ana", "why")  # reads it back, not yet committed
        await command.rollback()  # e.g. the command was refused after sealing

    keyring = PersonKeyring(pool, wrapper, kept)
    sealed = await keyring.seal("ana", "the retry")
    assert await keyring.unseal(sealed) == "the retry"
