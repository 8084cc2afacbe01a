"""The notifications service's consumers of other contexts' events."""

from tandem_events.projection import Projection
from tandem_notifications.projections.planner import Planner


def all_projections() -> list[Projection]:
    """Every projection this service runs."""
    return [Planner()]
