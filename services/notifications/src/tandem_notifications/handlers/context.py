"""The command context of the notifications handlers: the kit's, on the service's tables."""

from __future__ import annotations

from tandem_notifications.adapters.ports import NotificationTables
from tandem_service.commands import CommandContext

Context = CommandContext[NotificationTables]
