"""Who sees what of a pair: members its content, owning admins its state, nobody else anything."""

from __future__ import annotations

from typing import Literal

View = Literal["member", "owner"]


def view_of(
    person_id: str,
    *,
    is_participant: bool,
    is_admin: bool,
    members: tuple[str, ...],
    owns_program: bool,
) -> View | None:
    """How much of a pair the caller may see: everything, state and counts, or nothing."""
    if is_participant and person_id in members:
        return "member"
    if is_admin and owns_program:
        return "owner"
    return None


def sees_notes(viewer: str, author: str, shared: bool) -> bool:
    """Check-in notes: the author always; the partner only when the author shared them."""
    return viewer == author or shared


def sees_feedback_words(viewer: str, recipient: str) -> bool:
    """Feedback words are for their recipient only."""
    return viewer == recipient
