"""The inventory tables in the models and in the migrations agree."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from skuport.domain.db.migrate import differences


def _table_name(diff: Any) -> str:
    """The table an Alembic autogenerate difference is about."""
    if isinstance(diff, list):  # modify_* differences come as a list of tuples
        return _table_name(diff[0])
    if diff[0].endswith("_table"):
        return diff[1].name
    if diff[0].endswith("_column") or diff[0].startswith("modify_"):
        return diff[2]
    return diff[1].table.name  # indexes and constraints


async def test_inventory_models_and_migration_agree(engine: AsyncEngine):
    # Only our tables: other features' migrations are checked by their own tests.
    ours = [d for d in await differences(engine) if _table_name(d).startswith("inv_")]
    assert ours == []
