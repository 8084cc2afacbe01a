"""The analytics projections (facts fed by the projection runner) and the analyst views."""

from __future__ import annotations

from tandem_analytics.domain.pseudonyms import Pseudonyms
from tandem_analytics.projections.engagement import Engagement
from tandem_analytics.projections.participation import Participation
from tandem_events.projection import Projection


def projections_for(pseudonyms: Pseudonyms) -> list[Projection]:
    """Every projection of the analytics service."""
    return [Participation(pseudonyms), Engagement(pseudonyms)]
