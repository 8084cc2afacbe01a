"""Settings of the matching service (``TANDEM_*`` environment variables)."""

from tandem_service.settings import ServiceDeclaration, ServiceSettings


class MatchingSettings(ServiceSettings):
    """The matching service's settings; its registry entry gives name, port and database."""

    declaration = ServiceDeclaration.of_package("tandem_matching")
