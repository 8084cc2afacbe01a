"""HTTP routers of the notifications service: thin; validate, authorise, call a handler."""

from fastapi import APIRouter

routers: list[APIRouter] = []
