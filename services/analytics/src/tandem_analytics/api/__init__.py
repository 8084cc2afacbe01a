"""HTTP routers of the analytics service: thin; validate, authorise, call a query."""

from fastapi import APIRouter

from tandem_analytics.api import dashboard, figures, sign_in

routers: list[APIRouter] = [figures.router, dashboard.router, sign_in.router]
