"""Async engine and session factory for SQLite (the default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from skuport.domain.private_files import create_private_file, make_private_folder

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/skuport.db"
SUPPORTED_DRIVERS = {"sqlite+aiosqlite", "postgresql+asyncpg"}


class DatabaseConfigError(ValueError):
    """The database URL cannot be used; the message says why and what would work."""


def parse_database_url(raw: str) -> URL:
    """Parse and check a database URL, accepting the usual short forms."""
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise DatabaseConfigError(
            f"malformed database URL {raw!r}: expected e.g. {DEFAULT_DATABASE_URL} "
            "or postgresql+asyncpg://user@host:5432/dbname"
        ) from exc
    if url.drivername in ("sqlite", "sqlite+pysqlite"):
        url = url.set(drivername="sqlite+aiosqlite")
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+asyncpg")
    if url.drivername not in SUPPORTED_DRIVERS:
        raise DatabaseConfigError(
            f"unsupported database {url.drivername!r}: use SQLite (sqlite+aiosqlite:///path) "
            "or PostgreSQL (postgresql+asyncpg://user@host/db)"
        )
    return url


def _prepare_sqlite(engine: AsyncEngine, url: URL) -> None:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database).expanduser()
        make_private_folder(path.parent)
        create_private_file(path)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: two transactions racing for the last unit
        # of stock queue one behind the other instead of both reading the old figure.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(raw_url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for the URL, with SQLite tuned for a small concurrent server."""
    url = parse_database_url(raw_url)
    if url.drivername.startswith("sqlite"):
        engine = create_async_engine(url, **kwargs)
        _prepare_sqlite(engine, url)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One unit of work: commits when the block succeeds, rolls back entirely when it raises."""
    async with sessions() as session, session.begin():
        yield session
