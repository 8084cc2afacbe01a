"""Settings of the analytics service (``TANDEM_*`` environment variables)."""

from tandem_service.settings import ServiceDeclaration, ServiceSettings


class AnalyticsSettings(ServiceSettings):
    """The analytics service's settings; its registry entry gives name, port and database."""

    declaration = ServiceDeclaration.of_package("tandem_analytics")
