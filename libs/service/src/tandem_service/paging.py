"""Lists that can outgrow one response (a 100,000-person round makes 50,000 pairs) go by page.

The body stays a plain list, so a client that reads one page of a small program sees what it
always saw; the headers say how many there are in all and where the next page is (RFC 8288).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

DEFAULT_PAGE = 1000
MAX_PAGE = 5000

PAGED: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            "X-Total-Count": {"description": "How many in all", "schema": {"type": "integer"}},
            "Link": {"description": 'The next page, as `<url>; rel="next"`', "schema": {}},
        }
    }
}


def paged(request: Request, response: Response, total: int, limit: int, offset: int) -> None:
    """Set the count and, unless this page is the last, the link to the next one."""
    response.headers["X-Total-Count"] = str(total)
    if offset + limit < total:
        following = request.url.include_query_params(limit=limit, offset=offset + limit)
        response.headers["Link"] = f'<{following}>; rel="next"'
