"""IDs at the API's edge: GraphQL IDs are text, the domain's are numbers."""

from __future__ import annotations

import strawberry

# Every id is a 64-bit signed integer in the database.
MAX_ID = 2**63 - 1


def is_id(value: object) -> bool:
    """Whether `value` is the text of a possible id: plain ASCII digits, within 64 bits."""
    text = str(value)
    return 0 < len(text) <= 19 and text.isascii() and text.isdigit() and int(text) <= MAX_ID


def to_int(value: strawberry.ID) -> int:
    """An id argument as a number; -1 for text that is no id (the domain then says NotFound)."""
    return int(str(value)) if is_id(value) else -1


def to_id(value: int | None) -> strawberry.ID | None:
    """A domain id (or none) as a GraphQL ID."""
    return None if value is None else strawberry.ID(str(value))
