"""Alembic migrations, driven from code: `skuport db upgrade`, the server start and the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at our migrations, optionally bound to a connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    command.upgrade(alembic_config(connection), revision)


def _pending_diffs(connection: Connection) -> list[Any]:
    from skuport.domain.db import models  # noqa: F401  (registers every table)
    from skuport.domain.db.base import Base

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "render_as_batch": True}
    )
    return compare_metadata(context, Base.metadata)


def _current_heads(connection: Connection) -> tuple[set[str], set[str]]:
    script = ScriptDirectory.from_config(alembic_config())
    current = set(MigrationContext.configure(connection).get_current_heads())
    return current, set(script.get_heads())


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply every migration up to `revision` (the latest by default)."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, revision)


async def differences(engine: AsyncEngine) -> list[Any]:
    """What the models have that the migrated database does not (empty when they agree)."""
    async with engine.connect() as connection:
        return await connection.run_sync(_pending_diffs)


async def is_up_to_date(engine: AsyncEngine) -> bool:
    """True when the database is at the latest migration."""
    async with engine.connect() as connection:
        current, heads = await connection.run_sync(_current_heads)
    return current == heads


def make_revision(connection: Connection, message: str) -> None:
    """Autogenerate a new migration from the models (developer command)."""
    from skuport.domain.db import models  # noqa: F401

    command.revision(alembic_config(connection), message=message, autogenerate=True)


__all__ = ["differences", "is_up_to_date", "make_revision", "upgrade"]
