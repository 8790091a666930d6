"""Bulk INSERTs without RETURNING: rows get ids reserved up front (used by the batch paths)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


def column_values(record: DeclarativeBase, **values: Any) -> dict[str, Any]:
    """A transient record's column values for a bulk INSERT: scalar defaults filled in, no
    primary key; `values` override."""
    row: dict[str, Any] = {}
    for column in record.__table__.columns:  # type: ignore[attr-defined]
        if column.primary_key:
            continue
        value = getattr(record, column.key, None)
        if value is None and column.default is not None and column.default.is_scalar:
            value = column.default.arg
        row[column.key] = value
    row.update(values)
    return row


async def reserve_ids(session: AsyncSession, model: type[Any], count: int) -> list[int]:
    """`count` new primary keys for `model`, for an INSERT that then needs no RETURNING.

    PostgreSQL draws them from the column's sequence in one statement. On SQLite this
    transaction holds the database's write lock from its first statement (BEGIN IMMEDIATE),
    so the ids after the largest one are ours.
    """
    if count == 0:
        return []
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(table.name, "id")
        rows = await session.scalars(
            select(func.nextval(sequence)).select_from(func.generate_series(1, count))
        )
        return sorted(rows)
    largest = await session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    return list(range(largest + 1, largest + 1 + count))


async def insert_rows(
    session: AsyncSession, model: type[Any], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert the rows in one executemany statement; their new ids, in the rows' order."""
    if not rows:
        return []
    ids = await reserve_ids(session, model, len(rows))
    for row, new_id in zip(rows, ids, strict=True):
        row["id"] = new_id
    await session.execute(model.__table__.insert(), rows)
    return ids
