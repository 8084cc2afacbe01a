"""Who may do what to a program: role x ownership x endpoint, on the real service."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tandem_service.auth import Role
from tandem_testkit.eventually import fresh_key
from tandem_testkit.service import RunningService

from .builders import program_body

OWNER, CO_ADMIN = "owner-1", "co-1"
MANAGERS = {"owner", "co_admin", "org_admin"}

# (name, method, path under /programs/{id}, body, who besides the managers may call it)
ENDPOINTS: list[tuple[str, str, str, dict[str, Any] | None, set[str]]] = [
    ("read", "GET", "", None, {"other_admin", "participant"}),
    ("update", "PATCH", "", {"description": "mine now"}, set()),
    ("close", "POST", "/close", {}, set()),
    ("add_co_admin", "POST", "/admins", {"person_id": "helper-9"}, set()),
    ("remove_co_admin", "DELETE", f"/admins/{CO_ADMIN}", None, set()),
    ("roster", "GET", "/roster", None, set()),
    ("preview", "POST", "/rounds/preview", None, set()),
    ("commit", "POST", "/rounds", None, set()),
    ("history", "GET", "/rounds", None, set()),
    ("pair_by_hand", "POST", "/pairs", {"member_ids": ["x-1", "x-2"]}, set()),
    ("pairs", "GET", "/pairs", None, {"participant"}),
]
ROLES = ["owner", "co_admin", "other_admin", "org_admin", "participant", "analyst", "anonymous"]


def _client(service: RunningService, role: str) -> httpx.Client:
    return {
        "owner": lambda: service.admin(OWNER),
        "co_admin": lambda: service.admin(CO_ADMIN),
        "other_admin": lambda: service.admin("other-1"),
        "org_admin": lambda: service.as_("org-1", Role.ORG_ADMIN),
        "participant": lambda: service.participant("p-1"),
        "analyst": lambda: service.analyst(),
        "anonymous": service.anonymous,
    }[role]()


def _program_with_co_admin(service: RunningService, program_id: str) -> None:
    owner = service.admin(OWNER)
    created = owner.post("/programs", json=program_body(program_id), headers=fresh_key())
    assert created.status_code == 201, created.text
    added = owner.post(
        f"/programs/{program_id}/admins", json={"person_id": CO_ADMIN}, headers=fresh_key()
    )
    assert added.status_code == 201, added.text


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "others"), ENDPOINTS)
def test_only_managers_manage_a_program(
    service: RunningService,
    role: str,
    name: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    others: set[str],
) -> None:
    program_id = f"acl-{name}-{role}".replace("_", "-")
    _program_with_co_admin(service, program_id)
    answer = _client(service, role).request(
        method, f"/programs/{program_id}{path}", json=body, headers=fresh_key()
    )
    if role in MANAGERS or role in others:
        assert answer.status_code not in (401, 403, 404), (role, name, answer.text)
    elif role == "anonymous":
        assert answer.status_code == 401, answer.text
    else:
        assert answer.status_code == 403, (role, name, answer.text)


@pytest.mark.parametrize(("name", "method", "path", "body", "others"), ENDPOINTS)
def test_an_unknown_program_is_404_on_every_sub_resource(
    service: RunningService,
    name: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    others: set[str],
) -> None:
    org_admin = service.as_("org-1", Role.ORG_ADMIN)
    answer = org_admin.request(method, f"/programs/nope{path}", json=body, headers=fresh_key())
    assert answer.status_code == 404, (name, answer.text)
    assert "nope" in answer.text
