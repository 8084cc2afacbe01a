"""The stored views' refresh spends at most a tenth of the time refreshing."""

from __future__ import annotations

from tandem_analytics.refresh import pause_after


def test_view_refreshes_pause_at_least_the_interval_and_nine_times_their_duration() -> None:
    assert pause_after(0.2, 10.0) == 10.0  # a small program: every 10 s
    assert pause_after(30.0, 10.0) == 270.0  # a 30 s refresh: 10 % of the time
