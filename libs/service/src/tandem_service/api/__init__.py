"""What routers use: role aliases, the read pool, commands over HTTP, error answers."""

from tandem_service.api.commands import (
    CommandAccepted,
    IdempotencyKey,
    accepted,
    command_context,
    command_request,
    run,
)
from tandem_service.api.errors import domain_error
from tandem_service.api.roles import Admin, Analyst, Member, Participant, Reads, ServiceCaller

__all__ = [
    "Admin",
    "Analyst",
    "CommandAccepted",
    "IdempotencyKey",
    "Member",
    "Participant",
    "Reads",
    "ServiceCaller",
    "accepted",
    "command_context",
    "command_request",
    "domain_error",
    "run",
]
