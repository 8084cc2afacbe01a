"""HTTP routers of the engagement service: thin; validate, authorise, call a handler or a query."""

from fastapi import APIRouter

from tandem_engagement.api import programs, reads, workspace

routers: list[APIRouter] = [workspace.router, reads.router, programs.router]
