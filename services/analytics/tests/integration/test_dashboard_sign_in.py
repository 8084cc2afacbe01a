"""Opening the dashboard in a plain browser: a token given once to /dashboard/sign-in, a cookie
for the pages after; the same owners-only rules as with a bearer header."""

from __future__ import annotations

import httpx

from tandem_service.auth import Role, mint_token

from .conftest import Analytics

PAGE = "/dashboard/programs/program-0"


def _browser(in_order: Analytics) -> httpx.Client:
    """A client with no Authorization header, keeping cookies as a browser does."""
    client = httpx.Client(base_url=in_order.url, timeout=60)
    in_order.clients.append(client)
    return client


def _token(in_order: Analytics, subject: str, *roles: Role) -> str:
    return mint_token(in_order.keys.private_pem, subject, list(roles))


def test_a_browser_signs_in_once_then_reads_the_owners_pages(in_order: Analytics) -> None:
    browser = _browser(in_order)
    assert browser.get(PAGE).status_code == 401
    token = _token(in_order, "admin-1", Role.PROGRAM_ADMIN)
    signed = browser.get("/dashboard/sign-in", params={"token": token, "next": PAGE})
    assert signed.status_code == 303
    assert signed.headers["location"] == PAGE
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "path=/dashboard" in cookie
    page = browser.get(PAGE)
    assert page.status_code == 200
    assert "program-0" in page.text
    assert browser.get("/dashboard/programs/program-1").status_code == 404, "not their program"
    assert browser.get("/api/v1/programs").status_code == 401, "the cookie is for pages only"


def test_sign_in_refuses_bad_tokens_roles_and_foreign_destinations(in_order: Analytics) -> None:
    browser = _browser(in_order)
    forged = browser.get("/dashboard/sign-in", params={"token": "not-a-jwt", "next": PAGE})
    assert forged.status_code == 401
    assert "set-cookie" not in forged.headers
    token = _token(in_order, "admin-1", Role.PROGRAM_ADMIN)
    for away in ("https://evil.example/", "//evil.example/x", "/api/v1/programs", "/dashboard/"):
        answer = browser.get("/dashboard/sign-in", params={"token": token, "next": away})
        assert answer.status_code == 422, away
        assert answer.json()["detail"][0]["loc"] == ["query", "next"]
    participant = _token(in_order, "person-1", Role.PARTICIPANT)
    assert (
        browser.get("/dashboard/sign-in", params={"token": participant, "next": PAGE}).status_code
        == 303
    )
    assert browser.get(PAGE).status_code == 403, "signed in is not allowed in"
