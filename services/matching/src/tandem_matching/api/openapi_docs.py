"""What every route may answer besides its own refusals, for the OpenAPI document."""

from __future__ import annotations

from typing import Any

Responses = dict[int | str, dict[str, Any]]

# Every route but health and metrics needs a bearer token with a role.
AUTH: Responses = {
    401: {"description": "No bearer token, or an invalid or expired one"},
    403: {"description": "The caller's role (or, for a program, ownership) does not allow this"},
}
NOT_FOUND: Responses = {404: {"description": "No such program, person, pair or round"}}
CONFLICT: Responses = {409: {"description": "The state forbids it, or a concurrent change won"}}
INVALID: Responses = {422: {"description": "A field is missing or wrong (named in loc)"}}
