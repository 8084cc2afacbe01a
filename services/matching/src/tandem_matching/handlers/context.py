"""The matching handlers' context: the kit's command context over matching's tables."""

from __future__ import annotations

from tandem_matching.handlers.tables import MatchingTables
from tandem_service.commands import CommandContext, Transaction

Context = CommandContext[MatchingTables]
Tx = Transaction[MatchingTables]
