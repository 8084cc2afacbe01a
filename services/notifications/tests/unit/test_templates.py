"""Templates render per kind and part, escape HTML, and stay inside the sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from tandem_notifications.adapters.templates import DEFAULTS, check_template, render
from tandem_notifications.domain.content import PARTS
from tandem_notifications.domain.errors import HeaderInjection, TemplateRefused
from tandem_notifications.domain.kinds import Kind

CONTEXT: dict[str, Any] = {
    "recipient": "Alice <script>",
    "peers": ["Bob"],
    "members": ["Alice", "Bob"],
    "program": {"name": "Grow", "purpose": "career development", "support": ""},
    "reasons": ["you both care about SQL"],
    "suggested_cadence_days": 14,
    "meeting_on": "2026-03-18",
    "every_days": 14,
    "meeting_minutes": 30,
    "milestone_text": "4 meetings in a row",
    "round": 2,
    "counts": {"active": 3, "at_risk": 1, "ended": 0},
}


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_has_every_part_and_renders(kind: Kind) -> None:
    assert all((kind.value, part) in DEFAULTS for part in PARTS)
    words = render(kind, CONTEXT)
    assert words.subject
    assert words.text
    assert words.chat


def test_an_introduction_explains_the_match_and_escapes_html_only_in_html() -> None:
    words = render(Kind.INTRODUCTION, CONTEXT)
    assert "you both care about SQL" in words.text
    assert "every 14 days" in words.text
    assert "Alice &lt;script&gt;" in words.html
    assert "Alice <script>" in words.text


def test_a_program_override_replaces_one_part() -> None:
    words = render(Kind.NUDGE, CONTEXT, {("nudge", "subject"): "Psst {{ recipient }}"})
    assert words.subject == "Psst Alice <script>"


@pytest.mark.parametrize(
    "source",
    [
        "{{ recipient.__class__.__mro__ }}",
        "{{ ''.__class__.__subclasses__() }}",
        "{{ reasons.append('x') }}",
        "{{ lipsum.__globals__ }}",
    ],
)
def test_a_template_that_reaches_for_internals_is_refused(source: str) -> None:
    with pytest.raises(TemplateRefused):
        check_template(Kind.NUDGE, "text", source, CONTEXT)


def test_unknown_names_and_parts_are_refused() -> None:
    with pytest.raises(TemplateRefused, match="undefined"):
        render(Kind.NUDGE, {**CONTEXT, "program": {}}, {("nudge", "text"): "{{ nothing }}"})
    with pytest.raises(TemplateRefused, match="part"):
        check_template(Kind.NUDGE, "footer", "x", CONTEXT)


def test_a_subject_that_renders_a_line_break_is_refused() -> None:
    with pytest.raises(HeaderInjection):
        render(
            Kind.NUDGE,
            {**CONTEXT, "recipient": "Eve\nBcc: all"},
            {("nudge", "subject"): "Hi {{ recipient }}"},
        )
