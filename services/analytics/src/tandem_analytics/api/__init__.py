"""HTTP routers of the analytics service: thin; validate, authorise, call a query."""

from fastapi import APIRouter

from tandem_analytics.api import figures

routers: list[APIRouter] = [figures.router]
