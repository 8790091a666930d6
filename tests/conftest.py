"""Fixtures shared by the whole suite: one migrated database (SQLite or PostgreSQL) per run.

Set SKUPORT_TEST_DATABASE_URL to run the same suite on PostgreSQL; by default every run gets
a fresh SQLite file in a temporary folder.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.db import Base, create_engine, create_session_factory
from domain.db import models as _models  # noqa: F401  (registers every table)
from domain.db.migrate import upgrade


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database the suite runs on."""
    url = os.environ.get("SKUPORT_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'skuport-test.db'}"


async def _reset_postgres(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a database migrated to the latest revision."""
    engine = create_engine(database_url)
    if engine.dialect.name == "postgresql":
        await _reset_postgres(engine)
    await upgrade(engine)
    yield engine
    await engine.dispose()


async def _empty_all_tables(engine: AsyncEngine) -> None:
    tables = [t for t in reversed(Base.metadata.sorted_tables)]
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                await connection.execute(table.delete())


@pytest.fixture
async def sessions(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory on the test database; every table is emptied after the test."""
    yield create_session_factory(engine)
    await _empty_all_tables(engine)


@pytest.fixture
async def session(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One session; the test commits what it wants kept."""
    async with sessions() as session:
        yield session


@pytest.fixture
def repo_root() -> Iterator[Path]:
    yield Path(__file__).resolve().parent.parent
