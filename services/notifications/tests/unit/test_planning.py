"""Who hears what and when, answered from matching's and engagement's events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tandem_events.catalog.engagement import CadenceAgreed, MilestoneReached, PairHealthChanged
from tandem_events.catalog.matching import PairCreated, PairEnded, ParticipantWithdrew
from tandem_notifications.domain.identity import notification_id
from tandem_notifications.domain.kinds import Channel, Kind
from tandem_notifications.domain.planning import (
    on_cadence_agreed,
    on_health_changed,
    on_milestone,
    on_pair_created,
    on_pair_ended,
    on_withdrew,
    program_channel,
)
from tandem_notifications.domain.preferences import (
    Preferences,
    ProgramDefaults,
    celebrate_in_program_channel,
)
from tandem_notifications.domain.unsubscribe import InvalidToken, issue, read

AT = datetime(2026, 3, 4, 10, tzinfo=UTC)


def pair_created() -> PairCreated:
    return PairCreated(
        occurred_at=AT,
        actor_id="admin",
        pair_id="p1",
        program_id="prog",
        member_ids=("alice", "bob"),
        score=0.8,
        reasons=("both want sql",),
    )


def test_pair_created_introduces_each_member_now_and_prompts_a_cadence_in_three_days() -> None:
    plan = on_pair_created(pair_created(), "ev1")
    intros = [p for p in plan.schedule if p.kind is Kind.INTRODUCTION]
    prompts = [p for p in plan.schedule if p.kind is Kind.CADENCE_PROMPT]
    assert [(p.recipient_id, p.due_at) for p in intros] == [("alice", AT), ("bob", AT)]
    assert intros[0].data["peer_ids"] == ["bob"]
    assert intros[0].data["reasons"] == ["both want sql"]
    assert {p.due_at for p in prompts} == {AT + timedelta(days=3)}
    assert all("cadence-prompt:p1" in p.tags for p in prompts)
    assert {p.channels for p in plan.schedule} == {(Channel.EMAIL, Channel.IN_APP)}


def test_the_exactly_once_key_is_cause_recipient_and_kind() -> None:
    first = on_pair_created(pair_created(), "ev1").schedule[0]
    again = on_pair_created(pair_created(), "ev1").schedule[0]
    assert first.notification_id == again.notification_id
    assert first.notification_id == notification_id("ev1", "alice", "introduction")
    assert notification_id("ev2", "alice", "introduction") != first.notification_id
    assert notification_id("ev1", "alice", "nudge") != first.notification_id


def test_agreeing_a_cadence_cancels_the_prompt_and_reminds_a_day_before_each_meeting() -> None:
    agreed = CadenceAgreed(
        occurred_at=AT,
        actor_id="alice",
        pair_id="p1",
        every_days=14,
        meeting_minutes=30,
        agreed_by=("alice", "bob"),
    )
    plan = on_cadence_agreed(agreed, "ev2", "prog")
    assert plan.cancel == ("cadence-prompt:p1", "meetings:p1")
    alice = [p for p in plan.schedule if p.recipient_id == "alice"]
    assert alice[0].due_at == AT + timedelta(days=13)
    assert alice[0].data["meeting_on"] == "2026-03-18"
    assert alice[1].data["meeting_on"] == "2026-04-01"
    assert len({p.notification_id for p in plan.schedule}) == len(plan.schedule)


def test_a_pair_ending_cancels_its_notifications_and_withdraws_the_calendar_series() -> None:
    ended = PairEnded(
        occurred_at=AT,
        actor_id="admin",
        pair_id="p1",
        program_id="prog",
        member_ids=("alice", "bob"),
        reason="rematch",
    )
    assert on_pair_ended(ended, "ev3", None).schedule == ()
    plan = on_pair_ended(ended, "ev3", {"every_days": 14, "first_meeting": "2026-03-18"})
    assert plan.cancel == ("pair:p1",)
    assert [p.kind for p in plan.schedule] == [Kind.MEETING_CANCELLED] * 2


def test_a_withdrawal_cancels_what_that_person_would_hear_in_that_program() -> None:
    gone = ParticipantWithdrew(occurred_at=AT, actor_id="bob", program_id="prog", person_id="bob")
    assert on_withdrew(gone).cancel == ("member:prog:bob",)
    bobs = [p for p in on_pair_created(pair_created(), "ev1").schedule if p.recipient_id == "bob"]
    assert all("member:prog:bob" in p.tags for p in bobs)


def test_a_milestone_celebrates_with_the_pair_and_offers_the_program_channel() -> None:
    reached = MilestoneReached(
        occurred_at=AT,
        actor_id="system",
        pair_id="p1",
        milestone="streak",
        count=4,
        reached_on=date(2026, 3, 4),
    )
    plan = on_milestone(reached, "ev4", "prog", ["alice", "bob"])
    assert {(p.data["milestone"], p.data["count"]) for p in plan.schedule} == {("streak", 4)}
    program = [p for p in plan.schedule if p.recipient_id == program_channel("prog")]
    assert program[0].channels == (Channel.WEBHOOK,)
    assert len(plan.schedule) == 3


def test_the_program_channel_needs_every_member_to_opt_in() -> None:
    yes, no = Preferences(share_celebrations=True), Preferences()
    assert celebrate_in_program_channel([yes, yes])
    assert not celebrate_in_program_channel([yes, no])
    assert not celebrate_in_program_channel([])


def test_only_a_fresh_slide_into_risk_nudges() -> None:
    def changed(previous: str | None, current: str) -> PairHealthChanged:
        return PairHealthChanged.model_validate(
            {
                "occurred_at": AT,
                "actor_id": "system",
                "pair_id": "p1",
                "previous": previous,
                "current": current,
            }
        )

    assert (
        len(on_health_changed(changed("steady", "at_risk"), "e", "prog", ["a", "b"]).schedule) == 2
    )
    assert on_health_changed(changed("at_risk", "stalled"), "e", "prog", ["a", "b"]).schedule == ()
    assert on_health_changed(changed("steady", "thriving"), "e", "prog", ["a", "b"]).schedule == ()


def test_person_choices_beat_program_defaults_and_unsubscribing_drops_email() -> None:
    program = ProgramDefaults({Kind.NUDGE: frozenset({Channel.IN_APP})})
    assert Preferences().channels_for(Kind.NUDGE, program) == {Channel.IN_APP}
    mine = Preferences({Kind.NUDGE: frozenset({Channel.EMAIL})})
    assert mine.channels_for(Kind.NUDGE, program) == {Channel.EMAIL}
    assert Preferences({Kind.INTRODUCTION: frozenset()}).channels_for(Kind.INTRODUCTION) == set()
    off = Preferences(email_unsubscribed=True)
    assert not off.wants(Kind.INTRODUCTION, Channel.EMAIL)
    assert off.wants(Kind.INTRODUCTION, Channel.IN_APP)


def test_an_unsubscribe_token_names_its_person_until_it_expires_and_resists_forgery() -> None:
    token = issue(b"k" * 32, "alice", AT + timedelta(days=30))
    assert read(b"k" * 32, token, AT) == "alice"
    with pytest.raises(InvalidToken, match="expired"):
        read(b"k" * 32, token, AT + timedelta(days=31))
    with pytest.raises(InvalidToken, match="signature"):
        read(b"x" * 32, token, AT)
    mac = token.split(".")[1]
    forged = issue(b"k" * 32, "bob", AT + timedelta(days=30)).split(".")[0] + "." + mac
    with pytest.raises(InvalidToken):
        read(b"k" * 32, forged, AT)
    with pytest.raises(InvalidToken):
        read(b"k" * 32, "garbage", AT)
