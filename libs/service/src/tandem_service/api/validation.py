"""The 422 for a malformed request: each error names its field, and stays small whatever came in."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

# A 200 KB body must not come back whole in its own error: the caller has it already.
MAX_ERRORS = 100
MAX_INPUT_CHARS = 200


def bounded_errors(errors: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The first MAX_ERRORS errors with each ``input`` cut to MAX_INPUT_CHARS, and the count."""
    shown = [_bounded(error) for error in errors[:MAX_ERRORS]]
    body: dict[str, Any] = {"detail": shown}
    if len(errors) > len(shown):
        body["error_count"] = len(errors)
    return body


def _bounded(error: Mapping[str, Any]) -> dict[str, Any]:
    encoded: dict[str, Any] = jsonable_encoder(dict(error))
    if "input" in encoded:
        text = json.dumps(encoded["input"], ensure_ascii=False, default=str)
        if len(text) > MAX_INPUT_CHARS:
            encoded["input"] = f"{text[:MAX_INPUT_CHARS]}… ({len(text)} characters)"
    return encoded


async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    """A request the schema refuses: 422 naming each field, bounded in size."""
    return JSONResponse(bounded_errors(exc.errors()), status_code=422)
