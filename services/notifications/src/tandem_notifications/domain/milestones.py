"""The words celebrating a pair's milestone, from its kind and count (MilestoneReached v2)."""

from __future__ import annotations

# Deliveries planned before v2 keep the v1 name in their stored data; read them as v2.
_V1_NAMES: dict[str, tuple[str, int | None]] = {
    "streak_4": ("streak", 4),
    "streak_8": ("streak", 8),
    "goal_completed": ("first_goal_completed", None),
    "three_months": ("days_together", 90),
}

_FIXED = {
    "cadence_agreed": "you agreed how often to meet",
    "first_check_in": "your first check-in",
    "first_goal_completed": "your first goal reached together",
}


def milestone_text(kind: object, count: object = None) -> str:
    """Say the milestone in words; an unknown kind or a missing count reads neutrally."""
    name = str(kind)
    number = count if isinstance(count, int) and not isinstance(count, bool) else None
    if name in _V1_NAMES:
        name, number = _V1_NAMES[name]
    if name in _FIXED:
        return _FIXED[name]
    if name == "streak":
        if number is None:
            return "a run of meetings in a row"
        return f"{number} meeting in a row" if number == 1 else f"{number} meetings in a row"
    if name == "days_together":
        if number is None:
            return "a stretch of time together"
        return f"{number} day together" if number == 1 else f"{number} days together"
    return "a milestone"
