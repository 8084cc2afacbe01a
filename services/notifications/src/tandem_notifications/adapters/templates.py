"""Jinja2 templates per kind and part, in a sandbox; programs may override any of them."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from tandem_notifications.domain.content import PARTS, Rendered
from tandem_notifications.domain.errors import TemplateRefused
from tandem_notifications.domain.kinds import Kind

Overrides = Mapping[tuple[str, str], str]
_TEXT = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_HTML = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
MAX_TEMPLATE = 20_000


def _default(kind: Kind, part: str) -> str:
    folder = resources.files("tandem_notifications") / "templates"
    return (folder / f"{kind.value}.{part}.j2").read_text(encoding="utf-8")


DEFAULTS: dict[tuple[str, str], str] = {(k.value, p): _default(k, p) for k in Kind for p in PARTS}


@functools.lru_cache(maxsize=2048)
def _compiled(source: str, *, html: bool) -> Template:
    """Compile once: compiling costs a hundred times what rendering does."""
    return (_HTML if html else _TEXT).from_string(source)


def render(
    kind: Kind,
    context: Mapping[str, Any],
    overrides: Overrides | None = None,
    wanted: Sequence[str] = PARTS,
) -> Rendered:
    """Render the ``wanted`` parts of ``kind`` (others stay empty: a channel renders only what
    it sends); any failure or sandbox breach is a TemplateRefused."""
    overrides = overrides or {}
    parts = dict.fromkeys(PARTS, "")
    for part in wanted:
        source = overrides.get((kind.value, part), DEFAULTS[(kind.value, part)])
        try:
            parts[part] = _compiled(source, html=part == "html").render(**context).strip()
        except SecurityError as exc:
            raise TemplateRefused(f"{kind.value}.{part}: refused by the sandbox: {exc}") from exc
        except (TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
            raise TemplateRefused(f"{kind.value}.{part}: {type(exc).__name__}: {exc}") from exc
    return Rendered(parts["subject"], parts["text"], parts["html"], parts["chat"])


def check_template(kind: Kind, part: str, source: str, sample: Mapping[str, Any]) -> None:
    """An owner's template must compile and render against a sample of its context."""
    if part not in PARTS:
        raise TemplateRefused(f"unknown part {part!r}; one of {', '.join(PARTS)}")
    if len(source) > MAX_TEMPLATE:
        raise TemplateRefused(f"a template is at most {MAX_TEMPLATE} characters")
    render(kind, sample, {(kind.value, part): source})
