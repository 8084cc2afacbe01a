"""The JSON API: owners see their own programs' figures, suppressed as the views are."""

from __future__ import annotations

from tandem_service.auth import Role

from .conftest import Analytics


def test_an_owner_sees_only_their_programs(in_order: Analytics) -> None:
    owner = in_order.as_("admin-1", Role.PROGRAM_ADMIN)
    listed = owner.get("/api/v1/programs")
    assert listed.status_code == 200
    assert [p["program_id"] for p in listed.json()["programs"]] == ["program-0"]
    assert owner.get("/api/v1/programs/program-0/figures").status_code == 200
    other = owner.get("/api/v1/programs/program-1/figures")
    assert other.status_code == 404
    assert owner.get("/api/v1/programs/no-such/figures").json() == {
        "detail": "no program 'no-such' among the programs you may see",
        "program_id": "no-such",
    }


def test_co_admins_see_their_programs_while_they_are_admins(in_order: Analytics) -> None:
    co_admin = in_order.as_("coadmin-1", Role.PROGRAM_ADMIN)
    listed = co_admin.get("/api/v1/programs").json()["programs"]
    assert [p["program_id"] for p in listed] == ["program-1"]
    assert co_admin.get("/api/v1/programs/program-1/figures").status_code == 200
    assert co_admin.get("/dashboard/programs/program-1").status_code == 200
    assert co_admin.get("/api/v1/programs/program-0/figures").status_code == 404
    removed = in_order.as_("ex-coadmin-1", Role.PROGRAM_ADMIN)
    assert removed.get("/api/v1/programs").json()["programs"] == []
    assert removed.get("/dashboard/programs/program-1").status_code == 404


def test_analysts_see_every_program(in_order: Analytics) -> None:
    analyst = in_order.as_("an-1", Role.ANALYST)
    listed = analyst.get("/api/v1/programs").json()["programs"]
    assert [p["program_id"] for p in listed] == ["program-0", "program-1"]


def test_figures_are_the_views_with_the_same_suppression(in_order: Analytics) -> None:
    body = in_order.as_("admin-1", Role.PROGRAM_ADMIN).get("/api/v1/programs/program-0/figures")
    figures = body.json()["figures"]
    engagement = in_order.rows(
        "SELECT month::text, check_ins FROM analytics.engagement_monthly"
        " WHERE program_id = 'program-0' ORDER BY month"
    )
    assert [(r["month"], r["check_ins"]) for r in figures["engagement"]] == engagement
    legal = [r for r in figures["participation"] if r["group_value"] == "Legal"]
    assert legal
    assert all(r["people"] is None for r in legal)
    assert set(figures) >= {"survival", "retention", "departments", "health", "pulse"}


def test_who_may_not_ask(in_order: Analytics) -> None:
    participant = in_order.as_("person-1", Role.PARTICIPANT)
    assert participant.get("/api/v1/programs").status_code == 403
    anonymous = in_order.as_("nobody")
    anonymous.headers.pop("Authorization")
    assert anonymous.get("/api/v1/programs").status_code == 401


def test_a_malformed_program_id_is_named(in_order: Analytics) -> None:
    response = in_order.as_("admin-1", Role.PROGRAM_ADMIN).get(
        "/api/v1/programs/" + "x" * 129 + "/figures"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "program_id"]


def test_freshness(in_order: Analytics) -> None:
    body = in_order.as_("admin-1", Role.PROGRAM_ADMIN).get("/api/v1/freshness").json()
    by_name = {p["name"]: p for p in body["projections"]}
    assert set(by_name) == {"participation", "engagement"}
    assert all(p["last_changed"] is not None for p in by_name.values())
    assert all(p["lag"] == 0 for p in by_name.values())
    assert body["views_refreshed_at"] is not None


def test_openapi_documents_the_figures(in_order: Analytics) -> None:
    paths = in_order.as_("x").get("/openapi.json").json()["paths"]
    assert "/api/v1/programs/{program_id}/figures" in paths
