"""The command side every service shares: context, idempotent runner, command records."""

from tandem_service.commands.context import CommandContext, Transaction
from tandem_service.commands.ports import Appended, StreamStore
from tandem_service.commands.request import CommandRequest, StoredResponse
from tandem_service.commands.runner import run_command

__all__ = [
    "Appended",
    "CommandContext",
    "CommandRequest",
    "StoredResponse",
    "StreamStore",
    "Transaction",
    "run_command",
]
