"""HTTP routers of the notifications service: thin; validate, authorise, call a handler or a query."""

from fastapi import APIRouter

routers: list[APIRouter] = []
