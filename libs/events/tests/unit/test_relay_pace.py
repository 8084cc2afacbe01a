"""The relay's wait after a read that found nothing: short while events flow, longer once quiet."""

from __future__ import annotations

from tandem_events.relay_pace import IdlePace


def test_the_first_empty_reads_wait_the_short_pace() -> None:
    pace = IdlePace(first=0.02, ceiling=0.1, patience=3)
    assert [pace.after_empty_read() for _ in range(3)] == [0.02, 0.02, 0.02]


def test_a_quiet_spell_doubles_the_wait_up_to_the_ceiling() -> None:
    pace = IdlePace(first=0.02, ceiling=0.1, patience=3)
    waits = [pace.after_empty_read() for _ in range(3 + 100)][3:]
    assert waits[:3] == [0.04, 0.08, 0.1]
    assert set(waits[2:]) == {0.1}


def test_rows_bring_back_the_short_pace() -> None:
    pace = IdlePace(first=0.02, ceiling=0.1, patience=2)
    for _ in range(10):
        pace.after_empty_read()
    pace.found_rows()
    assert [pace.after_empty_read() for _ in range(3)] == [0.02, 0.02, 0.04]


def test_a_ceiling_below_the_short_pace_keeps_the_short_pace() -> None:
    pace = IdlePace(first=0.02, ceiling=0.001, patience=0)
    assert {pace.after_empty_read() for _ in range(5)} == {0.02}
