"""Check-ins, feedback and pulses: dates in the member's timezone, scores 1 to 5."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tandem_engagement.domain.checkins import give_feedback, log_check_in
from tandem_engagement.domain.errors import Conflict, InvalidInput, NotFound
from tandem_engagement.domain.folding import fold
from tandem_engagement.domain.pulse import needs_support, submit_pulse
from tandem_events.catalog.engagement import CheckInLogged, WorkspaceClosed

from .builders import OPENED, SEALED, draft, fold_all, met, opened

NOW = OPENED + timedelta(days=3)


def test_a_check_in_is_logged_with_tidy_topics() -> None:
    state = opened()
    (event,) = log_check_in(state, draft("c1", date(2026, 1, 7)), actor="ana", now=NOW)
    assert isinstance(event, CheckInLogged)
    assert event.topics == ("career", "feedback")
    assert (event.felt, event.notes, event.notes_shared) == (4, SEALED, False)
    state = fold(state, event)
    with pytest.raises(Conflict):
        log_check_in(state, draft("c1", date(2026, 1, 7)), actor="ben", now=NOW)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"felt": 0}, "felt"),
        ({"felt": 6}, "felt"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"met_on": date(2026, 1, 9)}, "met_on"),  # the future
        ({"met_on": date(2026, 1, 4)}, "met_on"),  # before the pair existed
        ({"topics": tuple(f"t{i}" for i in range(11))}, "topics"),
    ],
)
def test_bad_check_ins_name_the_field(changes: dict[str, object], field: str) -> None:
    values = {"met_on": date(2026, 1, 7), **changes}
    with pytest.raises(InvalidInput) as raised:
        log_check_in(opened(), draft("c1", **values), actor="ana", now=NOW)  # type: ignore[arg-type]  # mixed test values
    assert raised.value.field == field


def test_the_date_limit_is_the_members_own_today() -> None:
    late_evening_utc = OPENED.replace(day=8, hour=23, minute=30)  # Paris: Jan 9th already
    state = opened()
    log_check_in(state, draft("c1", date(2026, 1, 9)), actor="ana", now=late_evening_utc)
    with pytest.raises(InvalidInput):  # Los Angeles: still Jan 8th
        log_check_in(state, draft("c1", date(2026, 1, 9)), actor="ben", now=late_evening_utc)


def test_a_check_in_on_an_ended_pair_conflicts() -> None:
    closed = fold(
        opened(), WorkspaceClosed(occurred_at=NOW, actor_id="x", pair_id="p1", reason="pair_ended")
    )
    with pytest.raises(Conflict):
        log_check_in(closed, draft("c1", date(2026, 1, 7)), actor="ana", now=NOW)


def test_feedback_goes_to_the_partner_once_per_check_in() -> None:
    state = met(opened(), "c1", NOW)

    def feedback(actor: str, to: str, helpfulness: int = 4, check_in: str = "c1") -> list:  # type: ignore[type-arg]  # events
        return give_feedback(
            state,
            feedback_id="f1",
            check_in_id=check_in,
            to_person_id=to,
            helpfulness=helpfulness,
            kind="appreciation",
            sealed_text=SEALED,
            actor=actor,
            now=NOW,
        )

    with pytest.raises(InvalidInput, match="partner"):
        feedback("ana", "ana")
    with pytest.raises(InvalidInput) as raised:
        feedback("ana", "ben", helpfulness=6)
    assert raised.value.field == "helpfulness"
    with pytest.raises(NotFound):
        feedback("ana", "ben", check_in="c9")
    state = fold_all(state, feedback("ana", "ben"))
    assert state.usefulness == (4,)
    with pytest.raises(Conflict):
        feedback("ana", "ben")
    fold_all(state, feedback("ben", "ana"))  # the other way is its own feedback


def test_a_high_stress_pulse_or_a_pair_at_risk_shows_support() -> None:
    state = opened()
    with pytest.raises(InvalidInput) as raised:
        submit_pulse(state, stress=0, belonging=3, confidence=3, actor="ana", now=NOW)
    assert raised.value.field == "stress"
    state = fold_all(
        state, submit_pulse(state, stress=5, belonging=3, confidence=3, actor="ana", now=NOW)
    )
    assert state.stress == {"ana": 5}
    assert needs_support(5, "steady")
    assert needs_support(2, "at_risk")
    assert not needs_support(3, "thriving")
    assert not needs_support(None, None)
