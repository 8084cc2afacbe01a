"""Signed webhooks against a real local HTTP receiver: signature, replay refusal, failures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tandem_notifications.adapters.webhook import (
    IDEMPOTENCY,
    SIGNATURE,
    TIMESTAMP,
    WebhookChannel,
    sign,
    verify,
)
from tandem_notifications.domain.errors import InvalidAddress, PermanentFailure, TemporaryFailure
from tandem_testkit.uvicorn_server import serving

from .receiver import Received, receiver_app

SECRET = "program-secret"


@pytest.fixture(scope="module")
def receiver() -> Iterator[tuple[str, Received]]:
    state = Received(SECRET)
    with serving(receiver_app(state)) as url:
        yield f"{url}/hook", state


@pytest.fixture
def state(receiver: tuple[str, Received]) -> Received:
    received = receiver[1]
    received.answer = 200
    received.accepted.clear()
    received.refused.clear()
    return received


async def test_a_signed_post_is_verified_and_carries_its_idempotency_key(
    receiver: tuple[str, Received], state: Received
) -> None:
    async with httpx.AsyncClient(timeout=5) as client:
        await WebhookChannel(client, allow_http=True).send(
            receiver[0], SECRET, ":tada: a milestone", "n1.webhook", datetime.now(UTC)
        )
    [got] = state.accepted
    assert json.loads(got["body"]) == {"text": ":tada: a milestone"}
    assert got["headers"][IDEMPOTENCY.lower()] == "n1.webhook"
    assert got["headers"][SIGNATURE.lower()].startswith("v1=")
    assert state.refused == []


async def test_the_receiver_refuses_a_replayed_or_stale_or_forged_request(
    receiver: tuple[str, Received], state: Received
) -> None:
    body = b'{"text":"hello"}'
    now = int(datetime.now(UTC).timestamp())
    headers = {TIMESTAMP: str(now), SIGNATURE: sign(SECRET, now, body), IDEMPOTENCY: "k1"}
    async with httpx.AsyncClient(timeout=5) as client:
        first = await client.post(receiver[0], content=body, headers=headers)
        replay = await client.post(receiver[0], content=body, headers=headers)
        old = now - 3600
        stale = {**headers, TIMESTAMP: str(old), SIGNATURE: sign(SECRET, old, body)}
        stale_answer = await client.post(receiver[0], content=body, headers=stale)
        forged = {**headers, SIGNATURE: sign("guess", now, body)}
        forged_answer = await client.post(receiver[0], content=body, headers=forged)
    assert [first.status_code, replay.status_code] == [200, 409]
    assert [stale_answer.status_code, forged_answer.status_code] == [401, 401]


async def test_5xx_is_temporary_4xx_permanent_and_a_bad_url_invalid(
    receiver: tuple[str, Received], state: Received
) -> None:
    now = datetime.now(UTC)
    async with httpx.AsyncClient(timeout=5) as client:
        channel = WebhookChannel(client, allow_http=True)
        state.answer = 503
        with pytest.raises(TemporaryFailure, match="503"):
            await channel.send(receiver[0], SECRET, "x", "n2", now)
        state.answer = 404
        with pytest.raises(PermanentFailure, match="404"):
            await channel.send(receiver[0], SECRET, "x", "n2", now)
        with pytest.raises(TemporaryFailure):
            await channel.send("http://127.0.0.1:9/hook", SECRET, "x", "n2", now)
        with pytest.raises(InvalidAddress):
            await WebhookChannel(client).send(receiver[0], SECRET, "x", "n2", now)
        with pytest.raises(InvalidAddress):
            await channel.send("ftp://example.com/x", SECRET, "x", "n2", now)


async def test_a_signature_from_the_past_does_not_verify_now() -> None:
    body = b"{}"
    then = datetime.now(UTC) - timedelta(minutes=10)
    headers = {
        TIMESTAMP: str(int(then.timestamp())),
        SIGNATURE: sign(SECRET, int(then.timestamp()), body),
    }
    assert verify(SECRET, headers, body, then)
    assert not verify(SECRET, headers, body, datetime.now(UTC))
