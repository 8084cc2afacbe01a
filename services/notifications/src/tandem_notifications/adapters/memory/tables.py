"""Both in-memory books behind the one handle the service's tables protocol asks for."""

from __future__ import annotations

from tandem_notifications.adapters.memory.book import MemoryBook
from tandem_notifications.adapters.memory.choices import MemoryChoices
from tandem_notifications.adapters.ports import ChoiceBook, DeliveryBook


class MemoryNotificationTables:
    """The notification tables in memory."""

    def __init__(self) -> None:
        self.memory_book = MemoryBook()
        self.memory_choices = MemoryChoices()

    @property
    def book(self) -> DeliveryBook:
        """Deliveries and the inbox."""
        return self.memory_book

    @property
    def choices(self) -> ChoiceBook:
        """Preferences and program settings."""
        return self.memory_choices
