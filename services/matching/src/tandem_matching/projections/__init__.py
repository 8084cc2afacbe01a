"""Read models of the matching service, built from events."""

from tandem_events.projection import Projection
from tandem_matching.projections.pairs import Pairs
from tandem_matching.projections.programs import ProgramCatalog
from tandem_matching.projections.roster import Roster


def all_projections() -> list[Projection]:
    """Every read model of the service, each fed by its own consumer group."""
    return [ProgramCatalog(), Roster(), Pairs()]
