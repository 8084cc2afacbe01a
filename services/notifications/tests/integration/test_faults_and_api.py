"""Failures, retries, erasure, unsubscribing, owners' settings and the program channel."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from tandem_events.catalog.engagement import MilestoneReached, PairHealthChanged
from tandem_events.rebuild import rebuild_projection
from tandem_events.sealing import PersonKeyring
from tandem_notifications.projections import all_projections
from tandem_service.auth import Role
from tandem_service.database import create_pool
from tandem_testkit.uvicorn_server import serving

from .receiver import Received, receiver_app
from .stack import Running, until
from .test_delivery_flow import mid, pair, program


async def statuses(service: Running, person: str, kind: str) -> dict[str, tuple[str, str | None]]:
    rows = await service.fetch(
        "SELECT channel, status, last_error FROM deliveries WHERE recipient_id = $1 AND kind = $2",
        person,
        kind,
    )
    return {r["channel"]: (r["status"], r["last_error"]) for r in rows}


async def failures(service: Running, person: str) -> list[dict[str, object]]:
    rows = await service.fetch(
        "SELECT payload FROM events WHERE event_type = 'tandem.notifications.NotificationFailed.v1'"
        " AND payload->>'recipient_id' = $1 ORDER BY position",
        person,
    )
    return [dict(r["payload"]) for r in rows]


async def test_an_smtp_outage_delays_mail_which_then_arrives_once(service: Running) -> None:
    ann, ben = service.person("ann-3"), service.person("ben-3")
    now = service.clock.next_wednesday_morning()
    service.sink.fail_with("421 4.3.2 service shutting down")
    _, created = await service.publish(
        program("prog-3", now), pair("pair-5", "prog-3", (ann, ben), now)
    )
    await until(lambda: failures(service, ann))
    [first, *_] = await failures(service, ann)
    assert first["will_retry"] is True
    assert "421" in str(first["error"])

    service.clock.advance(timedelta(minutes=10))  # ten minutes of outage, then it is back
    service.sink.fail_with(None)
    service.clock.advance(timedelta(minutes=30))  # past any backoff so far
    message = mid(created.id, ann, "introduction")
    await until(lambda: message in service.sink.counts)
    await until(lambda: mid(created.id, ben, "introduction") in service.sink.counts)
    assert service.sink.counts[message] == 1
    assert (await statuses(service, ann, "introduction"))["email"] == ("sent", None)


async def test_a_permanent_refusal_fails_once_with_its_reason(service: Running) -> None:
    cat, dov = service.person("cat-4"), service.person("dov-4")
    now = service.clock.next_wednesday_morning()
    service.sink.fail_with("550 5.1.1 mailbox unavailable")
    try:
        await service.publish(program("prog-4", now), pair("pair-6", "prog-4", (cat, dov), now))
        await until(lambda: failures(service, cat))
    finally:
        service.sink.fail_with(None)
    [failed] = await failures(service, cat)
    assert failed["will_retry"] is False
    assert "550" in str(failed["error"])
    assert (await statuses(service, cat, "introduction"))["in_app"][0] == "sent"


async def test_an_unknown_or_erased_person_fails_without_stopping_the_others(
    service: Running,
) -> None:
    eve, ghost = service.person("eve-5"), "ghost-5"  # the directory never heard of the ghost
    now = service.clock.next_wednesday_morning()
    _, created = await service.publish(
        program("prog-5", now), pair("pair-7", "prog-5", (eve, ghost), now)
    )
    await until(lambda: mid(created.id, eve, "introduction") in service.sink.counts)
    await until(lambda: failures(service, ghost))
    assert "does not know" in str((await failures(service, ghost))[0]["error"])

    held = "SELECT count(*) FROM timers WHERE payload->>'recipient_id' = $1"
    assert (await service.fetch(held, eve))[0][0] == 1  # her cadence prompt, due in 3 days
    pool = await create_pool(service.dsn)
    try:
        await PersonKeyring(pool).erase(eve)  # what `tandem-notifications erase-person` does
    finally:
        await pool.close()
    assert await service.fetch("SELECT 1 FROM contacts WHERE person_id = $1", eve) == []
    assert await service.fetch("SELECT 1 FROM inbox WHERE person_id = $1", eve) == []
    pending = await service.fetch(
        "SELECT count(*) FROM deliveries WHERE recipient_id = $1 AND status = 'scheduled'", eve
    )
    assert pending[0][0] == 0
    assert (await service.fetch(held, eve))[0][0] == 0  # her held prompt is dropped
    assert service.participant(eve).get("/inbox").json() == []


async def test_the_unsubscribe_link_stops_email_at_once_without_logging_in(
    service: Running,
) -> None:
    fay, gus = service.person("fay-6"), service.person("gus-6")
    now = service.clock.next_wednesday_morning()
    _, created = await service.publish(
        program("prog-6", now), pair("pair-8", "prog-6", (fay, gus), now)
    )
    message = mid(created.id, fay, "introduction")
    await until(lambda: message in service.sink.counts)
    [mail] = [m for m in service.sink.messages if m["Message-ID"] == message]
    link = str(mail["List-Unsubscribe"]).strip("<>")
    token = parse_qs(urlsplit(link).query)["token"][0]

    anonymous = service.as_("nobody")
    anonymous.headers.pop("Authorization")
    assert anonymous.post("/unsubscribe", params={"token": token + "x"}).status_code == 403
    assert anonymous.get("/unsubscribe", params={"token": token}).status_code == 200
    assert service.participant(fay).get("/preferences").json()["email_unsubscribed"] is True

    [nudge] = await service.publish(
        PairHealthChanged(
            occurred_at=now,
            actor_id="engagement",
            pair_id="pair-8",
            previous="steady",
            current="at_risk",
        )
    )
    await until(lambda: _settled(service, fay))
    got = await statuses(service, fay, "nudge")
    assert got["email"][0] == "skipped"
    assert got["in_app"][0] == "sent"
    await until(lambda: mid(nudge.id, gus, "nudge") in service.sink.counts)


async def _settled(service: Running, person: str) -> bool:
    got = await statuses(service, person, "nudge")
    return len(got) == 2 and all(s in ("sent", "skipped") for s, _ in got.values())


async def test_inbox_read_and_unread_and_preferences_validation(service: Running) -> None:
    hal, ivy = service.person("hal-7"), service.person("ivy-7")
    now = service.clock.next_wednesday_morning()
    await service.publish(program("prog-7", now), pair("pair-9", "prog-7", (hal, ivy), now))
    me = service.participant(hal)
    items = await until(lambda: me.get("/inbox").json())
    assert me.get("/inbox/unread").json() == {"unread": 1}
    assert me.post(f"/inbox/{items[0]['notification_id']}/read").status_code == 204
    assert me.get("/inbox/unread").json() == {"unread": 0}
    assert (
        service.participant(ivy).post(f"/inbox/{items[0]['notification_id']}/read").status_code
        == 404
    )
    assert me.post("/inbox/not-a-uuid/read").status_code == 422
    bad = me.put("/preferences", json={"timezone": "Mars/Olympus"})
    assert bad.status_code == 422
    assert "timezone" in str(bad.json()["detail"])
    inverted = me.put("/preferences", json={"work_start": "18:00", "work_end": "09:00"})
    assert inverted.status_code == 422
    assert inverted.json()["field"] == "work_start"
    assert me.put("/preferences", json={"channels": {"nudge": ["fax"]}}).status_code == 422


async def test_owners_configure_their_programs_and_see_counts_never_content(
    service: Running,
) -> None:
    jo, kim = service.person("jo-8"), service.person("kim-8")
    now = service.clock.next_wednesday_morning()
    owner = service.owner()
    # A client racing the launch: not known yet, so retry later (it may also never exist).
    early = owner.put("/programs/prog-8/channels", json={"support": "ask Jo"})
    assert early.status_code == 409
    assert early.headers["Retry-After"] == "2"
    assert early.json()["reason"] == "program_not_yet_known"
    assert "never launched" in early.json()["detail"]
    await service.publish(program("prog-8", now))
    await until(lambda: owner.get("/programs/prog-8/channels").status_code == 200)
    assert owner.put("/programs/prog-8/channels", json={"support": "ask Jo"}).status_code == 200
    stranger = service.as_("admin-2", Role.PROGRAM_ADMIN)
    assert stranger.get("/programs/prog-8/channels").status_code == 403
    assert owner.get("/programs/nope/channels").status_code == 409

    refused = owner.put(
        "/programs/prog-8/templates/introduction/text",
        json={"source": "{{ recipient.__class__.__mro__ }}"},
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "source"
    assert (
        owner.put(
            "/programs/prog-8/templates/introduction/footer", json={"source": "x"}
        ).status_code
        == 422
    )
    ok = owner.put(
        "/programs/prog-8/templates/introduction/subject",
        json={"source": "Say hello to {{ peers | join(' and ') }}"},
    )
    assert ok.status_code == 204
    assert (
        owner.put("/programs/prog-8/channels", json={"webhook_url": "ftp://x"}).status_code == 422
    )

    [created] = await service.publish(pair("pair-10", "prog-8", (jo, kim), now))
    message = mid(created.id, jo, "introduction")
    await until(lambda: message in service.sink.counts)
    [mail] = [m for m in service.sink.messages if m["Message-ID"] == message]
    assert mail["Subject"] == "Say hello to Kim Example"
    both_sent = {"kind": "introduction", "channel": "email", "status": "sent", "count": 2}
    # The batch settles after its last send: wait for it rather than race it.
    counts = await until(
        lambda: (
            (rows := owner.get("/programs/prog-8/deliveries").json()) and both_sent in rows and rows
        )
    )
    assert all(set(row) == {"kind", "channel", "status", "count"} for row in counts)


async def test_a_milestone_reaches_the_program_channel_only_when_both_opted_in(
    service: Running,
) -> None:
    lea, max_ = service.person("lea-9"), service.person("max-9")
    now = service.clock.next_wednesday_morning()
    state = Received("", clock=service.clock)  # the receiver shares the moved clock
    with serving(receiver_app(state)) as hook_url:
        await service.publish(program("prog-9", now), pair("pair-11", "prog-9", (lea, max_), now))
        owner = service.owner()
        await until(lambda: owner.get("/programs/prog-9/channels").status_code == 200)
        settings = owner.put("/programs/prog-9/channels", json={"webhook_url": f"{hook_url}/hook"})
        state.secret = settings.json()["webhook_secret"]
        assert state.secret

        service.participant(lea).put("/preferences", json={"share_celebrations": True})
        [first] = await service.publish(milestone("pair-11", "first_check_in", now))
        await until(lambda: program_status(service, first.id))
        assert await program_status(service, first.id) == ("skipped", "not every member opted in")

        service.participant(max_).put("/preferences", json={"share_celebrations": True})
        [streak] = await service.publish(milestone("pair-11", "streak", now, count=4))
        await until(lambda: state.accepted)
        [got] = state.accepted
        assert b"4 meetings in a row" in got["body"]
        assert state.refused == []
        assert await program_status(service, streak.id) == ("sent", None)


def milestone(pair_id: str, what: str, at: datetime, count: int | None = None) -> MilestoneReached:
    return MilestoneReached.model_validate(
        {
            "occurred_at": at,
            "actor_id": "engagement",
            "pair_id": pair_id,
            "milestone": what,
            "count": count,
            "reached_on": date(2026, 3, 4),
        }
    )


async def program_status(service: Running, cause: str) -> tuple[str, str | None] | None:
    rows = await service.fetch(
        "SELECT status, last_error FROM deliveries WHERE cause_id = $1 AND channel = 'webhook'"
        " AND status IN ('sent', 'skipped', 'failed')",
        cause,
    )
    return (rows[0]["status"], rows[0]["last_error"]) if rows else None


async def test_a_retried_preferences_change_is_applied_once(service: Running) -> None:
    me = service.participant(service.person("kim-7"))
    key = {"Idempotency-Key": "prefs-kim-1"}
    first = me.put("/preferences", json={"share_celebrations": True}, headers=key)
    assert first.status_code == 200
    assert me.put("/preferences", json={"share_celebrations": False}).status_code == 200
    retry = me.put("/preferences", json={"share_celebrations": True}, headers=key)
    assert (retry.status_code, retry.json()) == (200, first.json())
    assert me.get("/preferences").json()["share_celebrations"] is False  # not applied again
    reused = me.put("/preferences", json={"email_unsubscribed": True}, headers=key)
    assert reused.status_code == 422
    assert reused.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]


async def test_a_rebuilt_planner_keeps_what_owners_set_on_their_programs(
    service: Running,
) -> None:
    """Owners' channel settings are not the planner's to replay: a rebuild leaves them be."""
    owner = service.owner()
    await service.publish(program("prog-r", service.clock.next_wednesday_morning()))
    await until(lambda: owner.get("/programs/prog-r/channels").status_code == 200)
    settings = {"support": "ask Jo", "defaults": {"nudge": ["in_app"]}}
    assert owner.put("/programs/prog-r/channels", json=settings).status_code == 200
    before = owner.get("/programs/prog-r/channels").json()
    planner = next(p for p in all_projections() if p.name == "notifications_planner")
    pool = await create_pool(service.dsn, 2)
    try:
        await rebuild_projection(
            pool,
            service.kafka_bootstrap,
            planner,
            topic_prefix=service.prefix,
            show_progress=False,
        )
    finally:
        await pool.close()
    after = owner.get("/programs/prog-r/channels").json()
    assert after == before
    assert after["support"] == "ask Jo"
