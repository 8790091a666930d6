"""Operation log at volume: paging runs through GraphQL stays flat and costs two SQL queries."""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import event, insert

from skuport.domain.auth import Role, create_token
from skuport.domain.db import create_engine, create_session_factory
from skuport.domain.db.migrate import upgrade
from skuport.domain.jobs import OperationLog, RunStatus, Trigger
from skuport.server.app import create_app
from skuport.server.config import Settings

RUNS = 20_000
QUERY = """
query Page($after: String) {
  runs(first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id operation status processed errors { reason } }
  }
}
"""


async def _seed(url: str) -> str:
    engine = create_engine(url)
    await upgrade(engine)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        {
            "operation": "download_orders",
            "target": "1",
            "trigger": Trigger.SCHEDULER,
            "triggered_by": "scheduler",
            "status": RunStatus.SUCCEEDED,
            "processed": i % 40,
            "skipped": 0,
            "cancelled": 0,
            "errors": [],
            "message": "",
            "started_at": start + timedelta(minutes=15 * i),
        }
        for i in range(RUNS)
    ]
    async with engine.begin() as connection:
        await connection.execute(insert(OperationLog), rows)
    async with create_session_factory(engine)() as session, session.begin():
        token = (await create_token(session, name="bench", role=Role.READONLY)).secret
    await engine.dispose()
    return token


async def run() -> str:
    folder = tempfile.mkdtemp()
    url = f"sqlite+aiosqlite:///{folder}/bench.db"
    token = await _seed(url)
    settings = Settings(database_url=url, data_dir=Path(folder), scheduler_enabled=False)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        statements = 0

        def count(*_args: object) -> None:
            nonlocal statements
            statements += 1

        engine = app.state.services.engine
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://b") as client:
            timings, after, pages = [], None, 0
            first_page, deep_page = None, None
            while pages < 200:
                before = statements
                began = time.perf_counter()
                response = await client.post(
                    "/graphql",
                    json={"query": QUERY, "variables": {"after": after}},
                    headers=headers,
                )
                timings.append((time.perf_counter() - began) * 1000)
                page_statements = statements - before
                data = response.json()["data"]["runs"]
                after = data["pageInfo"]["endCursor"]
                pages += 1
                if pages == 1:
                    first_page = (timings[-1], page_statements)
                deep_page = (timings[-1], page_statements)
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    median = statistics.median(timings)
    return (
        "## Operation log paging (GraphQL `runs`, SQLite)\n\n"
        f"{RUNS:,} runs in the log; 200 consecutive pages of 50 through `/graphql` in-process.\n\n"
        "| figure | value |\n|---|---|\n"
        f"| median time per page | {median:.1f} ms |\n"
        f"| first page | {first_page[0]:.1f} ms, {first_page[1]} SQL statements |\n"
        f"| page 200 (10,000 runs deep) | {deep_page[0]:.1f} ms, {deep_page[1]} SQL statements |\n"
        f"| ratio page 200 / page 1 | {deep_page[0] / first_page[0]:.2f} |\n\n"
        "Keyset paging (`id < cursor`) keeps a deep page as cheap as the first; a page costs the "
        "token look-up, one count and one page query, whatever the depth.\n"
    )
