"""Settings of the engagement service (``TANDEM_*`` environment variables)."""

from typing import ClassVar

from tandem_service.settings import ServiceDeclaration, ServiceSettings


class EngagementSettings(ServiceSettings):
    """The engagement service's settings; name, port and database default to its registry entry."""

    declaration: ClassVar[ServiceDeclaration | None] = ServiceDeclaration.of_package("tandem_engagement")
