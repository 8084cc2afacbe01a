import pytest

from tandem_notifications.domain.milestones import milestone_text


@pytest.mark.parametrize(
    ("kind", "count", "words"),
    [
        ("streak", 4, "4 meetings in a row"),
        ("streak", 12, "12 meetings in a row"),
        ("streak", 1, "1 meeting in a row"),
        ("days_together", 90, "90 days together"),
        ("days_together", 365, "365 days together"),
        ("first_goal_completed", None, "your first goal reached together"),
        ("first_check_in", None, "your first check-in"),
        ("cadence_agreed", None, "you agreed how often to meet"),
    ],
)
def test_v2_milestones_read_from_their_kind_and_count(
    kind: str, count: int | None, words: str
) -> None:
    assert milestone_text(kind, count) == words


def test_deliveries_stored_with_v1_names_still_read_well() -> None:
    assert milestone_text("streak_8") == "8 meetings in a row"
    assert milestone_text("three_months") == "90 days together"
    assert milestone_text("goal_completed") == "your first goal reached together"


def test_a_missing_count_or_unknown_kind_reads_neutrally() -> None:
    assert milestone_text("streak", None) == "a run of meetings in a row"
    assert milestone_text("days_together", None) == "a stretch of time together"
    assert milestone_text("something_new", 3) == "a milestone"
    assert milestone_text(None) == "a milestone"
