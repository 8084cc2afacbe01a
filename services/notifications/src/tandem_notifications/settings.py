"""Settings of the notifications service (``TANDEM_*`` environment variables)."""

from tandem_service.settings import ServiceDeclaration, ServiceSettings


class NotificationsSettings(ServiceSettings):
    """The notifications service's settings; its registry entry gives name, port and database."""

    declaration = ServiceDeclaration.of_package("tandem_notifications")
