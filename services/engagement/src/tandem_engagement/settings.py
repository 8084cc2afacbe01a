"""Settings of the engagement service (``TANDEM_*`` environment variables)."""

from tandem_service.settings import ServiceDeclaration, ServiceSettings


class EngagementSettings(ServiceSettings):
    """The engagement service's settings; its registry entry gives name, port and database."""

    declaration = ServiceDeclaration.of_package("tandem_engagement")
