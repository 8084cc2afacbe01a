"""HTTP routers of the matching service: thin; validate, authorise, call a handler or a query."""

from fastapi import APIRouter

from tandem_matching.api import (
    contacts,
    directory,
    enrolment,
    exports,
    pairs,
    programs,
    rounds,
    self_match,
)

routers: list[APIRouter] = [
    programs.router,
    directory.router,
    contacts.router,
    enrolment.router,
    rounds.router,
    pairs.router,
    exports.router,
    self_match.router,
]
