"""Bounded integers for paths, queries and forms, shared by the API and the pages.

Every integer a client sends is bounded before it reaches the database: a number past the
store's ``INTEGER`` columns made SQLite raise ``OverflowError`` and PostgreSQL refuse the
query (a 500 before issue 16). FastAPI checks these annotated types and answers 422
problem+json naming the parameter; a test walks every route of the app and fails on an
integer parameter without both bounds.

- ``RecordId``: a path segment naming a stored row (document, review pair, appointment).
- ``PageNumber``: ``?page=`` of a list.
- :func:`form_id`: the same bounds for an id posted in a form.

Examples:
    >>> form_id({"slot": "42"}, "slot"), form_id({"slot": "9" * 30}, "slot")
    (42, None)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Final

from fastapi import Path, Query

__all__ = ["MAX_ID", "MAX_PAGE", "PageNumber", "RecordId", "form_id"]

#: The largest row id the store holds (its ``INTEGER`` columns are 32-bit on PostgreSQL).
MAX_ID: Final = 2**31 - 1
#: The last page a list may ask for (100,000 pages of 50 is five million rows).
MAX_PAGE: Final = 100_000

RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description=f"A record id, 1 to {MAX_ID}")]
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page, 1 to {MAX_PAGE}")]


def form_id(form: Mapping[str, Any], name: str) -> int | None:
    """A record id posted in a form field, or ``None`` when absent, malformed or out of range."""
    raw = str(form.get(name) or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(MAX_ID)):
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None
