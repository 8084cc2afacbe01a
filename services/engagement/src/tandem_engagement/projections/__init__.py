"""Read models fed by the projection runner, and the queries the API reads them with."""

from __future__ import annotations

from tandem_engagement.handlers.matching_feed import MatchingFeed
from tandem_engagement.projections.views import EngagementViews
from tandem_events.projection import Projection


def all_projections() -> list[Projection]:
    """The feed from matching (opens workspaces) and the engagement read models."""
    return [MatchingFeed(), EngagementViews()]
