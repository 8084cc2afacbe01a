"""The 422 of a malformed request names each field and stays small, whatever the input's size."""

from __future__ import annotations

import json

from pydantic import BaseModel, Field, ValidationError

from tandem_service.api.validation import MAX_ERRORS, MAX_INPUT_CHARS, bounded_errors


class Skill(BaseModel):
    """A bounded field."""

    name: str = Field(max_length=100)


def _errors(value: object) -> list[dict[str, object]]:
    try:
        Skill.model_validate(value)
    except ValidationError as exc:
        return [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
    raise AssertionError("expected a validation error")


def test_a_huge_input_is_cut_and_its_size_said() -> None:
    body = bounded_errors(_errors({"name": "x" * 200_000}))
    (error,) = body["detail"]
    assert error["loc"] == ["body", "name"]
    assert error["input"].endswith("… (200002 characters)")
    assert len(error["input"]) < MAX_INPUT_CHARS + 40
    assert len(json.dumps(body)) < 1_000


def test_a_small_input_comes_back_as_it_was() -> None:
    (error,) = bounded_errors(_errors({"name": 7}))["detail"]
    assert error["input"] == 7


def test_only_the_first_errors_are_listed_with_the_count() -> None:
    many = [_errors({"name": 1})[0] for _ in range(MAX_ERRORS + 50)]
    body = bounded_errors(many)
    assert len(body["detail"]) == MAX_ERRORS
    assert body["error_count"] == MAX_ERRORS + 50
    assert "error_count" not in bounded_errors(many[:3])
