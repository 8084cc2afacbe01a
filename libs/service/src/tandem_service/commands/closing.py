"""What a single-write command's one statement writes besides its effects: the command record.

A command whose writes are one SQL statement needs no explicit transaction: PostgreSQL runs a
statement atomically on its own. Its record then rides in that statement (``record_step``,
gated on the effects being written) instead of a claim before the handler and a completion
after it, in BEGIN ... COMMIT: two round trips for a check-in (load, write) instead of six.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from tandem_service.commands.records import record_arguments
from tandem_service.commands.request import CommandRequest, StoredResponse


class Closing:
    """The response and record of one attempt at a single-write command.

    The handler's adapter asks for :meth:`record` with the result its statement will report
    (an append's stream and new version are known before it runs) and writes the parameters
    in that statement; ``carried`` then tells the runner the record is written with it.
    """

    def __init__(self, request: CommandRequest, respond: Callable[[Any], BaseModel]) -> None:
        self.request = request
        self._respond = respond
        self.response: StoredResponse | None = None
        self.carried = False

    def answer(self, result: object) -> StoredResponse:
        """The response to a command that produced ``result``."""
        body = self._respond(result).model_dump(mode="json")
        self.response = StoredResponse(self.request.fingerprint, self.request.status, body)
        return self.response

    def record(self, result: object) -> list[Any] | None:
        """The parameters of ``record_step`` for ``result``, which the caller promises to
        write in the statement that writes the command's effects; None without a key."""
        response = self.answer(result)
        if self.request.key is None:
            return None
        self.carried = True
        return record_arguments(self.request, response)
