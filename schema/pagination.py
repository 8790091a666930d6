"""Relay-style connections, paged in SQL by a descending key (newest first)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from skuport.schema.ids import is_id

T = TypeVar("T")

DEFAULT_PAGE = 20
MAX_PAGE = 100


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int

    @strawberry.field(description="The nodes of this page, without their cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def encode_cursor(key: int) -> str:
    return base64.urlsafe_b64encode(f"k:{key}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind != "k" or not is_id(value):
            raise ValueError(kind)
        return int(value)
    except (ValueError, UnicodeDecodeError, UnicodeEncodeError):
        raise GraphQLError(
            f"invalid cursor {cursor!r}: pass an endCursor from a previous page",
            extensions={"code": "BAD_USER_INPUT"},
        ) from None


async def paginate(
    session: AsyncSession,
    statement: Select[Any],
    *,
    key: InstrumentedAttribute[int],
    first: int | None,
    after: str | None,
    convert: Callable[[Any], T],
) -> Connection[T]:
    """One page of `statement`, newest first by `key`, with a total count."""
    size = DEFAULT_PAGE if first is None else first
    if not 1 <= size <= MAX_PAGE:
        raise GraphQLError(
            f"first must be between 1 and {MAX_PAGE}, not {size}",
            extensions={"code": "BAD_USER_INPUT"},
        )
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    if after is not None:
        statement = statement.where(key < decode_cursor(after))
    rows = list((await session.scalars(statement.order_by(key.desc()).limit(size + 1))).all())
    has_next = len(rows) > size
    rows = rows[:size]
    edges = [Edge(cursor=encode_cursor(getattr(row, key.key)), node=convert(row)) for row in rows]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=has_next, end_cursor=edges[-1].cursor if edges else None),
        total_count=total or 0,
    )
