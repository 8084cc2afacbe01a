"""The notifications write side in PostgreSQL: the delivery book, the inbox, the caches.

One adapter, in a few modules by table family; callers import from here.
"""

from __future__ import annotations

import asyncpg

from tandem_notifications.adapters.ports import ChoiceBook, DeliveryBook
from tandem_notifications.adapters.postgres.book import PostgresBook
from tandem_notifications.adapters.postgres.choices import PostgresChoices
from tandem_notifications.adapters.postgres.contacts import PostgresContacts
from tandem_notifications.adapters.postgres.recording import HORIZON, NewPair

__all__ = [
    "HORIZON",
    "NewPair",
    "PostgresBook",
    "PostgresChoices",
    "PostgresContacts",
    "PostgresNotificationTables",
]


class PostgresNotificationTables:
    """The write side one command reaches, on its transaction's connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._book = PostgresBook(conn)
        self._choices = PostgresChoices(conn)

    @property
    def book(self) -> DeliveryBook:
        """Deliveries and the inbox."""
        return self._book

    @property
    def choices(self) -> ChoiceBook:
        """Preferences and program settings."""
        return self._choices
