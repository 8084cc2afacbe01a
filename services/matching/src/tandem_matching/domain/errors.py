"""Why a command was refused: the kit's hierarchy, which the API turns into HTTP statuses."""

from dataclasses import asdict

from tandem_matching.domain.directory import ImportReview
from tandem_service.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    NotYetKnown,
    RuleBroken,
)


class ImportRefused(RuleBroken):
    """A directory file with at least one row in error: nothing of it is imported."""

    def __init__(self, review: ImportReview, *, shown: int = 100) -> None:
        count = len(review.errors)
        super().__init__(
            f"nothing imported: {count} error(s) in the file",
            errors=[asdict(f) for f in review.errors[:shown]],
            error_count=count,
            warnings=[asdict(f) for f in review.warnings[:shown]],
            warning_count=len(review.warnings),
        )


class Stale(DomainError):
    """The caller's ``If-Match`` names a version the resource has moved past."""

    status = 412


__all__ = [
    "Conflict",
    "DomainError",
    "Forbidden",
    "ImportRefused",
    "Invalid",
    "NotFound",
    "NotYetKnown",
    "RuleBroken",
    "Stale",
]
