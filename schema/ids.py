"""IDs at the API's edge: GraphQL IDs are text, the domain's are numbers."""

from __future__ import annotations

import strawberry


def to_int(value: strawberry.ID) -> int:
    """An id argument as a number; -1 for text that is no id (the domain then says NotFound)."""
    return int(value) if str(value).isdigit() else -1


def to_id(value: int | None) -> strawberry.ID | None:
    """A domain id (or none) as a GraphQL ID."""
    return None if value is None else strawberry.ID(str(value))
