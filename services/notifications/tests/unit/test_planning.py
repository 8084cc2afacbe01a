"""Who hears what and when, answered from matching's and engagement's events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tandem_events.catalog.engagement import (
    CadenceAgreed,
    MilestoneReached,
    PairHealthChanged,
    PulseInvited,
)
from tandem_events.catalog.matching import PairCreated, PairEnded, ParticipantWithdrew
from tandem_notifications.domain.horizon import extend
from tandem_notifications.domain.identity import notification_id
from tandem_notifications.domain.kinds import Channel, Kind
from tandem_notifications.domain.planning.encouragement import (
    on_health_changed,
    on_milestone,
    on_pulse_invited,
)
from tandem_notifications.domain.planning.endings import on_pair_ended, on_withdrew
from tandem_notifications.domain.planning.introductions import on_pair_created
from tandem_notifications.domain.planning.keys import program_channel
from tandem_notifications.domain.planning.meetings import on_cadence_agreed
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
    assert plan.series == ()  # monthly pulses come from engagement's PulseInvited


def test_a_pulse_invitation_goes_now_to_the_pairs_current_members_once_per_event() -> None:
    invited = PulseInvited(
        occurred_at=AT,
        actor_id="engagement",
        pair_id="p1",
        member_ids=("alice", "bob"),
        round=2,
        invited_on=AT.date(),
    )
    plan = on_pulse_invited(invited, "ev9", "prog", ["alice"])
    [alice] = plan.schedule
    assert (alice.recipient_id, alice.kind, alice.due_at) == ("alice", Kind.PULSE_INVITATION, AT)
    assert alice.notification_id == notification_id("ev9", "alice", "pulse_invitation")
    assert alice.channels == (Channel.EMAIL, Channel.IN_APP)
    assert alice.data == {"pair_id": "p1", "program_id": "prog", "round": 2}
    assert {"pair:p1", "member:prog:alice"} <= set(alice.tags)  # an ending pair cancels it


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
    plan = on_cadence_agreed(agreed, "ev2", "prog", {})
    assert plan.cancel == ("cadence-prompt:p1", "meetings:p1")
    [alice] = [s for s in plan.series if s.recipient_id == "alice"]
    first, second = extend(alice, AT).planned[:2]
    assert first.due_at == datetime(2026, 3, 17, 10, tzinfo=UTC)  # "any" time: 10:00, UTC
    assert first.data["meeting_on"] == "2026-03-18"
    assert second.data["meeting_on"] == "2026-04-01"
    assert first.notification_id == notification_id("ev2#1", "alice", "meeting_reminder")


def test_reminders_fall_on_the_agreed_weekday_and_local_time_across_daylight_saving() -> None:
    agreed = CadenceAgreed(
        occurred_at=AT,  # Wednesday 4 March 2026
        actor_id="alice",
        pair_id="p1",
        every_days=14,
        meeting_minutes=30,
        agreed_by=("alice", "bob"),
        weekday="tue",
        time_of_day="afternoon",
    )
    plan = on_cadence_agreed(agreed, "ev2", "prog", {"alice": "Europe/Lisbon"})
    alice, bob = plan.series
    reminders = extend(alice, AT).planned
    assert len(reminders) == 6
    meetings = [date.fromisoformat(str(r.data["meeting_on"])) for r in reminders]
    assert {m.weekday() for m in meetings} == {1}  # every meeting on a Tuesday
    assert meetings[0] == date(2026, 3, 24)  # the first Tuesday at least 14 days on
    local = [r.due_at.astimezone(ZoneInfo("Europe/Lisbon")) for r in reminders]
    assert {(t.hour, t.minute) for t in local} == {(15, 0)}  # 15:00 in Lisbon, DST or not
    # Summer time starts on 29 March: the same local hour is an hour earlier in UTC.
    assert [r.due_at.hour for r in reminders[:2]] == [15, 14]
    assert extend(bob, AT).planned[0].due_at == datetime(2026, 3, 23, 15, tzinfo=UTC)  # UTC
    assert reminders[0].data["timezone"] == "Europe/Lisbon"


def test_the_horizon_rolls_forward_keeping_six_meetings_ahead_and_skipping_the_past() -> None:
    agreed = CadenceAgreed(
        occurred_at=AT,
        actor_id="alice",
        pair_id="p1",
        every_days=7,
        meeting_minutes=30,
        agreed_by=("alice", "bob"),
    )
    [alice, _] = on_cadence_agreed(agreed, "ev2", "prog", {}).series
    first = extend(alice, AT)
    assert [p.data["occurrence"] for p in first.planned] == [1, 2, 3, 4, 5, 6]
    assert first.look_again == first.planned[0].due_at
    again = extend(first.series, first.look_again)
    assert [p.data["occurrence"] for p in again.planned] == [7]
    assert again.look_again == first.planned[1].due_at
    later = extend(again.series, first.look_again + timedelta(days=30))  # a month of downtime
    assert [p.data["occurrence"] for p in later.planned] == [8, 9, 10, 11]
    assert extend(later.series, first.look_again + timedelta(days=30)).planned == ()


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
    plan = on_withdrew(gone, ["p1"])
    assert plan.cancel == ("member:prog:bob",)
    assert plan.stop_series == ("meetings:p1:bob",)
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
