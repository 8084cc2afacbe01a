"""A directory CSV upload read into people, every problem named by its 1-based line and column."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from tandem_matching.api.schemas_people import PersonIn
from tandem_service.errors import Invalid

REQUIRED = ("person_id", "name", "email", "level")
OPTIONAL = ("department", "team", "manager_id", "timezone", "languages", "departed_on", "rehired")


def read_people_csv(raw: bytes) -> tuple[list[PersonIn], list[int]]:
    """The people of the file and the line each stands on; 422 naming the line and column."""
    text = _text(raw)
    reader = csv.DictReader(io.StringIO(text))
    _check_header([h.strip() for h in reader.fieldnames or []])
    people: list[PersonIn] = []
    lines: list[int] = []
    errors: list[dict[str, Any]] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            msg = f"{len(row[None])} value(s) more than the header's columns"
            errors.append({"loc": ("body", line), "msg": msg, "type": "value_error"})
            continue
        try:
            people.append(PersonIn.model_validate(_cleaned(row)))
            lines.append(line)
        except ValidationError as exc:
            errors.extend(
                {**e, "loc": ("body", line, *e["loc"])} for e in exc.errors(include_url=False)
            )
    if errors:
        raise RequestValidationError(errors)
    return people, lines


def _text(raw: bytes) -> str:
    if not raw.strip():
        raise Invalid(("body",), "the file is empty: send a header line, then one person a line")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise Invalid(("body", line), f"line {line} is not UTF-8 (byte {exc.start})") from None


def _check_header(header: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown:
        said = [f"missing column(s) {', '.join(missing)}"] if missing else []
        said += [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
        known = ", ".join(REQUIRED + OPTIONAL)
        raise Invalid(("body", 1), f"{'; '.join(said)} (the columns are {known})")


def _cleaned(row: dict[str | None, Any]) -> dict[str, object]:
    cleaned: dict[str, object] = {k.strip(): (v or "").strip() for k, v in row.items() if k}
    languages = str(cleaned.get("languages", ""))
    cleaned["languages"] = [x.strip() for x in languages.split(";") if x.strip()]
    return {k: v for k, v in cleaned.items() if v not in ("", None)}
