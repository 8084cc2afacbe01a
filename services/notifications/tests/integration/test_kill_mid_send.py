"""A dispatcher killed mid-send (SIGKILL): after restart each notification is delivered once.

Two crash points: after the intent was recorded but before the SMTP server got the message,
and after the server kept it but before the dispatcher heard "250". The second cannot be told
apart from "never arrived" by SMTP, so the resend carries the same Message-ID, which is what
receivers deduplicate on; the in-app copy commits with its outcome and is never doubled.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tandem_notifications.adapters.postgres import PostgresBook
from tandem_notifications.domain.identity import message_id, notification_id
from tandem_notifications.domain.kinds import Kind
from tandem_notifications.domain.planned import Planned
from tandem_notifications.smtp_sink import SmtpSink
from tandem_service.database import connect

from .stack import until


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    running = SmtpSink().start()
    yield running
    running.stop()


async def seed(dsn: str, person: str, cause: str) -> None:
    """A due introduction for someone reachable at any hour (the test runs at any hour)."""
    conn = await connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO contacts (person_id, name, email, timezone, fetched_at)"
            " VALUES ($1, 'Pat Example', $1 || '@example.com', 'UTC', now())",
            person,
        )
        await conn.execute(
            "INSERT INTO preferences (person_id, work_start, work_end, quiet_start, quiet_end,"
            " weekend) VALUES ($1, '00:00', '23:59:59', NULL, NULL, '{}')",
            person,
        )
        planned = Planned(
            cause,
            person,
            Kind.INTRODUCTION,
            datetime.now(UTC),
            data={"peer_ids": [], "reasons": ["a test"]},
        )
        await PostgresBook(conn).schedule([planned])
    finally:
        await conn.close()


def worker(dsn: str, sink: SmtpSink, keys: Path) -> subprocess.Popen[bytes]:
    """``tandem-notifications dispatch`` as its own process."""
    env = {
        **os.environ,
        "TANDEM_ENV": "test",
        "TANDEM_DATABASE_URL": dsn,
        "TANDEM_SMTP_PORT": str(sink.port),
        "TANDEM_LEASE_SECONDS": "3",
        "TANDEM_MATCHING_URL": "http://127.0.0.1:9",
        "TANDEM_DEV_KEYS_DIR": str(keys),
        "TANDEM_SMTP_CONNECTIONS": "1",
        "TANDEM_DEV_CLOCK": "true",  # as in development: the worker follows the shared clock
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tandem_notifications", "dispatch"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def rows(dsn: str, person: str) -> dict[str, tuple[str, int]]:
    conn = await connect(dsn)
    try:
        found = await conn.fetch(
            "SELECT channel, status, attempts FROM deliveries WHERE recipient_id = $1", person
        )
        return {r["channel"]: (r["status"], r["attempts"]) for r in found}
    finally:
        await conn.close()


async def sent_events(dsn: str, person: str, channel: str) -> int:
    conn = await connect(dsn)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM events"
                " WHERE event_type = 'tandem.notifications.NotificationSent.v1'"
                " AND payload->>'recipient_id' = $1 AND payload->>'channel' = $2",
                person,
                channel,
            )
        )
    finally:
        await conn.close()


@pytest.mark.parametrize("crash", ["before_the_server_has_it", "after_the_server_kept_it"])
async def test_a_killed_sender_delivers_each_notification_once(
    crash: str, sink: SmtpSink, fresh_dsn: str, tmp_path: Path
) -> None:
    person, cause = f"pat-{uuid.uuid4().hex[:6]}", str(uuid.uuid4())
    await seed(fresh_dsn, person, cause)
    mid = message_id(notification_id(cause, person, "introduction"), "email", "tandem.local")
    if crash == "before_the_server_has_it":
        sink.stall(before_mail=60)
    else:
        sink.stall(after_data=60)

    first = worker(fresh_dsn, sink, tmp_path)
    try:
        if crash == "before_the_server_has_it":
            await until(lambda: _status(fresh_dsn, person, "email", "sending"))
        else:
            await until(lambda: sink.accepted == 1)
    finally:
        first.kill()
        first.wait()
    intent = await rows(fresh_dsn, person)
    assert intent["email"] == ("sending", 1)  # the intent outlived the process
    assert intent["in_app"] == ("sending", 1)  # its outcome waits for the batch

    sink.stall()
    second = worker(fresh_dsn, sink, tmp_path)
    try:
        await until(lambda: _status(fresh_dsn, person, "email", "sent"))
        await until(lambda: _status(fresh_dsn, person, "in_app", "sent"))
    finally:
        second.kill()
        second.wait()

    expected_copies = 1 if crash == "before_the_server_has_it" else 2
    assert sink.counts == {mid: expected_copies}  # one Message-ID: one delivery for the reader
    assert (await rows(fresh_dsn, person))["email"] == ("sent", 2)
    assert await sent_events(fresh_dsn, person, "email") == 1
    assert await sent_events(fresh_dsn, person, "in_app") == 1
    conn = await connect(fresh_dsn)
    try:
        assert await conn.fetchval("SELECT count(*) FROM inbox WHERE person_id = $1", person) == 1
    finally:
        await conn.close()


async def _status(dsn: str, person: str, channel: str, status: str) -> bool:
    return (await rows(dsn, person)).get(channel, ("", 0))[0] == status


async def test_outcomes_settle_in_waves_while_the_rest_of_the_batch_is_still_sending(
    sink: SmtpSink, fresh_dsn: str, tmp_path: Path
) -> None:
    """A crash may send again only what completed since the last wave, not the whole batch."""
    people = [f"pat-{uuid.uuid4().hex[:6]}" for _ in range(20)]
    for person in people:
        await seed(fresh_dsn, person, str(uuid.uuid4()))
    sink.stall(before_mail=60)  # every email hangs: only the in-app copies complete
    first = worker(fresh_dsn, sink, tmp_path)
    try:
        # One batch claims all 40 deliveries; the 20 in-app ones finish at once, and the first
        # wave of them (settle_every = 16) commits while the emails are still in flight.
        await until(lambda: _settled(fresh_dsn, "in_app", 16))
        assert not await _settled(fresh_dsn, "email", 1)
    finally:
        first.kill()
        first.wait()


async def _settled(dsn: str, channel: str, at_least: int) -> bool:
    conn = await connect(dsn)
    try:
        sent = await conn.fetchval(
            "SELECT count(*) FROM deliveries WHERE channel = $1 AND status = 'sent'", channel
        )
        return int(sent) >= at_least
    finally:
        await conn.close()
