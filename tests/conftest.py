"""Fixtures shared by the whole suite: one migrated database (SQLite or PostgreSQL) per run.

Set SKUPORT_TEST_DATABASE_URL to run the same suite on PostgreSQL; by default every run gets
a fresh SQLite file in a temporary folder.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from skuport.domain.db import Base, create_engine, create_session_factory
from skuport.domain.db import models as _models  # noqa: F401  (registers every table)
from skuport.domain.db.engine import parse_database_url
from skuport.domain.db.migrate import upgrade


async def _admin(url: str, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """The database the suite runs on: a fresh one per run, so runs never collide."""
    base = os.environ.get("SKUPORT_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'skuport-test.db'}"
        return
    url = parse_database_url(base)
    name = f"skuport_test_{uuid.uuid4().hex[:12]}"
    await _admin(base, f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a database migrated to the latest revision."""
    engine = create_engine(database_url)
    await upgrade(engine)
    yield engine
    await engine.dispose()


async def _empty_all_tables(engine: AsyncEngine) -> None:
    # Tables seeded by migrations (reference data such as marketplaces) are kept.
    tables = [t for t in reversed(Base.metadata.sorted_tables) if not t.info.get("seeded")]
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


# --- the real ASGI app, in-process -------------------------------------------------------------


@pytest.fixture
def settings(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Server settings on the test database; the scheduler is off unless a test starts it."""
    from skuport.server.config import Settings

    return Settings(database_url=database_url, data_dir=tmp_path, scheduler_enabled=False)


@pytest.fixture
async def app(settings, sessions):  # type: ignore[no-untyped-def]
    """The Starlette app with its lifespan running (migrations, services)."""
    from skuport.server.app import create_app

    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def http(app):  # type: ignore[no-untyped-def]
    """An HTTP client talking to the app in-process."""
    import httpx

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://skuport.test") as client:
        yield client


@pytest.fixture
async def tokens(sessions) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """One API token per role, by role name."""
    from skuport.domain.auth import Role, create_token

    made = {}
    async with sessions() as session, session.begin():
        for role in Role:
            made[role.value] = (
                await create_token(session, name=f"{role.value} user", role=role)
            ).secret
    return made


@pytest.fixture
def gql(http, tokens):  # type: ignore[no-untyped-def]
    """Run a GraphQL document as a role: `await gql(QUERY, role="operations", var=...)`."""

    async def run(query: str, *, role: str | None = "admin", **variables):  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
        response = await http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        return response.json()

    return run


# --- a live server on a free port, for widgets and notebooks -----------------------------------


@dataclass
class LiveServer:
    url: str
    graphql_url: str
    sandbox: object  # server.sandbox.http.Sandbox: state, clock and faults of its Amazon


@pytest.fixture(scope="session")
def live_server(database_url: str, tmp_path_factory: pytest.TempPathFactory, engine):  # type: ignore[no-untyped-def]
    """The real server (uvicorn, HTTP) in a thread, on a free port of 127.0.0.1.

    Its Amazon is an in-process sandbox (seed 7, tiny) reached at http://sandbox.test, offered
    to the runbooks as in the demo; Amazon's waits run on the sandbox's virtual clock.
    """
    import socket
    import threading

    import httpx
    import uvicorn

    from skuport.sandbox.app import create_sandbox_app
    from skuport.sandbox.clock import SandboxClock
    from skuport.server.app import create_app, uvicorn_config
    from skuport.server.config import Settings

    sandbox_app = create_sandbox_app(seed=7, size="tiny", clock=SandboxClock())
    clock = sandbox_app.state.sandbox.state.clock
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("live"),
        scheduler_enabled=False,
        sandbox_url="http://sandbox.test",
    )
    app = create_app(
        settings,
        clock=clock,
        amazon_transport=httpx.ASGITransport(app=sandbox_app),
        amazon_sleep=clock.sleep,
    )
    # Bound before the thread starts: requests queue in the backlog until uvicorn accepts them.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn_config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    yield LiveServer(url=base, graphql_url=f"{base}/graphql", sandbox=sandbox_app.state.sandbox)
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()
