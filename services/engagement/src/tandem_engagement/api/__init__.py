"""HTTP routers of the engagement service: thin; validate, authorise, call a handler or a query."""

from fastapi import APIRouter

routers: list[APIRouter] = []
