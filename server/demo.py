"""`skuport demo`: the server with its scheduler, and JupyterLab on the runbooks, in one command."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette

from skuport.domain.auth import Role, authenticate, create_token
from skuport.domain.db import create_engine, create_session_factory, transaction
from skuport.domain.db.migrate import upgrade
from skuport.sandbox.app import create_sandbox_app
from skuport.sandbox.clock import SandboxClock
from skuport.server.app import create_app, uvicorn_config
from skuport.server.config import Settings
from skuport.server.demo_setup import connect_demo_stores

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CONNECTION_FILE = Path("var") / "demo-connection.json"
ORDER_EVERY_SECONDS = 20


@dataclass(frozen=True)
class DemoConnection:
    url: str
    token: str


async def prepare_demo(settings: Settings, *, server_url: str, folder: Path) -> DemoConnection:
    """Migrate the database and make sure a demo token exists where the runbooks find it.

    The token is kept across runs (the notebooks' connection file stays valid); a token that no
    longer authenticates, e.g. after the database was deleted, is replaced.
    """
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        sessions = create_session_factory(engine)
        path = folder / CONNECTION_FILE
        token = json.loads(path.read_text()).get("token") if path.exists() else None
        async with transaction(sessions) as session:
            if not token or await authenticate(session, token) is None:
                token = (await create_token(session, name="demo analyst", role=Role.ADMIN)).secret
    finally:
        await engine.dispose()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"url": server_url, "token": token}, indent=2) + "\n")
    os.chmod(path, 0o600)
    return DemoConnection(url=server_url, token=token)


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves Ctrl-C to the demo, which stops every part together."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def start_jupyter(port: int, token: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """JupyterLab on the runbooks folder, bound to 127.0.0.1 only."""
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser", f"--port={port}", "--ip=127.0.0.1",
        f"--ServerApp.root_dir={NOTEBOOKS}",
        f"--IdentityProvider.token={token}",
        "--ServerApp.port_retries=0",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return subprocess.Popen(command, env=env)


async def _serve(
    servers: list[uvicorn.Server], app: Starlette, sandbox_url: str, banner: str
) -> None:
    loop = asyncio.get_running_loop()

    def stop() -> None:
        for server in servers:
            server.should_exit = True

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop)
    await asyncio.gather(
        *(server.serve() for server in servers),
        _set_up_stores(servers, app, banner),
        _feed_orders(servers, sandbox_url),
    )


async def _started(servers: list[uvicorn.Server]) -> bool:
    """Wait until every server listens; False when the demo is stopped first."""
    while not all(server.started for server in servers):
        if any(server.should_exit for server in servers):
            return False
        await asyncio.sleep(0.1)
    return True


async def _feed_orders(servers: list[uvicorn.Server], sandbox_url: str | None) -> None:
    """New Amazon orders keep arriving in the sandbox, so the demo shows them flowing in."""
    if not sandbox_url:
        return
    if not await _started(servers):
        return
    async with httpx.AsyncClient(base_url=sandbox_url, timeout=10) as http:
        sellers = (await http.get("/_sandbox/sellers")).json()["sellers"]
        turn = 0
        while not any(server.should_exit for server in servers):
            seller = sellers[turn % len(sellers)]
            marketplaces = seller["marketplaces"]
            marketplace = marketplaces[(turn // len(sellers)) % len(marketplaces)]["id"]
            try:
                await http.post(
                    "/_sandbox/orders",
                    json={"sellerId": seller["sellerId"], "marketplaceId": marketplace},
                )
            except httpx.HTTPError:
                pass  # the sandbox is shutting down
            turn += 1
            for _ in range(ORDER_EVERY_SECONDS * 10):
                if any(server.should_exit for server in servers):
                    return
                await asyncio.sleep(0.1)


async def _set_up_stores(servers: list[uvicorn.Server], app: Starlette, banner: str) -> None:
    """Once both servers listen, connect the sandbox sellers and start their catalog downloads."""
    if not await _started(servers):
        return
    await set_up_demo_data(app, banner)


async def set_up_demo_data(app: Starlette, banner: str) -> None:
    """Connect the sandbox stores and load their data, then show the banner again: by then
    the set-up's log lines have scrolled it away."""
    try:
        stores = await connect_demo_stores(app.state.services)
    except Exception as exc:
        # The demo still runs; the analyst can connect stores in runbook 01.
        print(f"Could not connect the sandbox stores automatically: {exc}", flush=True)
        return
    if stores:
        print(
            f"Connected {len(stores)} sandbox stores; their catalogs and orders are loaded.",
            flush=True,
        )
    print(f"\nSkuport demo is ready:\n{banner}", flush=True)


def demo_banner(*, graphql_url: str, sandbox_url: str, token: str, lab_url: str) -> str:
    """Where to go: the API, the sandbox, the token and the runbooks."""
    return (
        f"  GraphQL API + GraphiQL  {graphql_url}\n"
        f"  sandbox Amazon          {sandbox_url} (control API under /_sandbox/)\n"
        f"  API token (admin)       {token}\n"
        f"  JupyterLab runbooks     {lab_url}\n"
        "Press Ctrl-C to stop everything.\n"
    )


def run_demo(
    settings: Settings,
    *,
    server_port: int,
    jupyter_port: int,
    sandbox_port: int = 8100,
    open_browser: bool = False,
) -> None:
    """Prepare, start everything, print where to go, and stop it all on Ctrl-C."""
    from skuport.server.cli import ensure_port_free, run_async

    host = "127.0.0.1"
    for port in (server_port, jupyter_port, sandbox_port):
        ensure_port_free(host, port)
    sandbox_url = f"http://{host}:{sandbox_port}"
    # GraphiQL is on in the demo unless SKUPORT_GRAPHIQL says otherwise.
    graphiql = settings.graphiql or "SKUPORT_GRAPHIQL" not in os.environ
    settings = replace(settings, sandbox_url=sandbox_url, graphiql=graphiql)
    graphql_url = f"http://{host}:{server_port}/graphql"
    connection = run_async(
        prepare_demo(settings, server_url=graphql_url, folder=Path.cwd()), settings.database_url
    )
    jupyter_token = secrets.token_urlsafe(16)
    env = {**os.environ, "SKUPORT_URL": connection.url, "SKUPORT_TOKEN": connection.token}
    jupyter = start_jupyter(jupyter_port, jupyter_token, env)
    lab_url = f"http://{host}:{jupyter_port}/lab/tree/00_start_here.ipynb?token={jupyter_token}"
    banner = demo_banner(
        graphql_url=graphql_url, sandbox_url=sandbox_url, token=connection.token, lab_url=lab_url
    )
    print(f"\nSkuport demo is starting:\n{banner}", flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(lab_url)
    # The sandbox Amazon runs in this process, on real time; Skuport waits for Amazon on the
    # sandbox's clock, so report and feed delays pass in moments instead of minutes.
    sandbox_app = create_sandbox_app(seed=1, size="demo", clock=SandboxClock(speed=1.0))
    clock = sandbox_app.state.sandbox.state.clock
    app = create_app(settings, clock=clock, amazon_sleep=clock.sleep)
    servers = [
        _QuietServer(uvicorn_config(app, host=host, port=server_port, log_level="warning")),
        _QuietServer(
            uvicorn_config(sandbox_app, host=host, port=sandbox_port, log_level="warning")
        ),
    ]
    try:
        asyncio.run(_serve(servers, app, sandbox_url, banner))
    finally:
        jupyter.terminate()
        try:
            jupyter.wait(timeout=15)
        except subprocess.TimeoutExpired:
            jupyter.kill()
        print("Skuport demo stopped.", flush=True)
