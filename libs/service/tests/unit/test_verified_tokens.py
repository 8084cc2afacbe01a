"""A verified token is trusted again for a short while, never past its expiry."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import jwt
import pytest

from tandem_service.auth import DevKeyPair, Role, TokenVerifier, mint_token
from tandem_service.auth import verifier as verifying
from tandem_service.auth.verifier import VERIFIED_FOR_SECONDS, AuthError


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def keys(tmp_path: Path) -> DevKeyPair:
    return DevKeyPair.load_or_create(tmp_path)


async def test_a_token_is_checked_again_after_a_minute_and_at_its_expiry(
    keys: DevKeyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(time.time())
    monkeypatch.setattr(verifying, "time", clock)
    checked: list[str] = []
    decode = jwt.decode

    def counting_decode(token: str, *args: Any, **kwargs: Any) -> Any:
        checked.append(token)
        return decode(token, *args, **kwargs)

    monkeypatch.setattr(verifying.jwt, "decode", counting_decode)
    verifier = TokenVerifier(issuer="tandem-dev", audience="tandem", public_pem=keys.public_pem)
    token = mint_token(keys.private_pem, "ana", [Role.PARTICIPANT], ttl_seconds=90)
    first = await verifier.verify(token)
    clock.now += VERIFIED_FOR_SECONDS - 1
    assert await verifier.verify(token) == first
    assert len(checked) == 1  # trusted: no second signature check
    clock.now += 2
    assert await verifier.verify(token) == first
    assert len(checked) == 2  # a minute on: checked again (the real clock says still valid)
    clock.now += 30
    await verifier.verify(token)
    assert len(checked) == 3  # past its expiry on the verifier's clock: never from the cache
    other = mint_token(keys.private_pem, "ben", [Role.PARTICIPANT])
    assert (await verifier.verify(other)).subject == "ben"


async def test_a_trusted_token_vouches_for_no_other_bytes(keys: DevKeyPair, tmp_path: Path) -> None:
    verifier = TokenVerifier(issuer="tandem-dev", audience="tandem", public_pem=keys.public_pem)
    token = mint_token(keys.private_pem, "ana", [Role.PARTICIPANT])
    await verifier.verify(token)  # now trusted
    head, claims, signature = token.split(".")
    forged = f"{head}.{claims}.{signature[:-6]}AAAAAA"
    stranger = DevKeyPair.load_or_create(tmp_path / "stranger")
    signed_elsewhere = mint_token(stranger.private_pem, "ana", [Role.PARTICIPANT])
    expired = mint_token(keys.private_pem, "ana", [Role.PARTICIPANT], now=time.time() - 7200)
    for refused in (forged, signed_elsewhere, expired):
        with pytest.raises(AuthError) as raised:
            await verifier.verify(refused)
        assert raised.value.status == 401
