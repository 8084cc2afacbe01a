"""HTTP routers of the notifications service: thin; validate, authorise, call a handler."""

from fastapi import APIRouter

from tandem_notifications.api import inbox, preferences, programs

routers: list[APIRouter] = [inbox.router, preferences.router, programs.router]
