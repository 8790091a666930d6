"""The demo stack for the browser tests: server, sandbox Amazon and JupyterLab on free ports.

As `skuport demo` sets it up (the sandbox's demo sellers connected as two stores with the demo
settings, catalogs and orders downloaded), with its own SQLite database, no scheduler and no
order feed, so every run sees the same data. JupyterLab serves a copy of the runbooks: running
them in the browser saves their outputs there, never into the repository.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from skuport.domain.auth import Role, create_token
from skuport.domain.db import create_engine, create_session_factory, transaction
from skuport.domain.db.migrate import upgrade
from skuport.sandbox.app import create_sandbox_app
from skuport.sandbox.clock import SandboxClock
from skuport.server.app import create_app
from skuport.server.config import Settings
from skuport.server.demo_setup import connect_demo_stores

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
READY_SECONDS = 120


@dataclass(frozen=True)
class DemoStack:
    graphql_url: str
    token: str
    lab_url: str  # JupyterLab's base URL, e.g. http://127.0.0.1:1234
    lab_token: str
    notebooks: Path  # the folder JupyterLab serves

    def notebook_url(self, name: str) -> str:
        return f"{self.lab_url}/lab/tree/{name}?token={self.lab_token}&reset"


def _listening_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _admin_token(database_url: str) -> str:
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        async with transaction(create_session_factory(engine)) as session:
            return (await create_token(session, name="demo analyst", role=Role.ADMIN)).secret
    finally:
        await engine.dispose()


class _Server(uvicorn.Server):
    """Leaves signals to pytest."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextmanager
def serve_demo(folder: Path) -> Iterator[tuple[str, str]]:
    """The server with the demo's stores and data, in a thread; yields (GraphQL URL, token)."""
    database_url = f"sqlite+aiosqlite:///{folder / 'demo.db'}"
    sandbox_app = create_sandbox_app(seed=1, size="demo", clock=SandboxClock())
    clock = sandbox_app.state.sandbox.state.clock
    settings = Settings(
        database_url=database_url,
        data_dir=folder,
        scheduler_enabled=False,
        sandbox_url="http://sandbox.test",
    )
    app = create_app(
        settings,
        clock=clock,
        amazon_transport=httpx.ASGITransport(app=sandbox_app),
        amazon_sleep=clock.sleep,
    )
    sock = _listening_socket()
    server = _Server(uvicorn.Config(app, log_level="warning"))
    ready = threading.Event()
    failure: list[BaseException] = []
    token: list[str] = []

    async def main() -> None:
        serving: asyncio.Task[None] | None = None
        try:
            token.append(await _admin_token(database_url))
            serving = asyncio.create_task(server.serve(sockets=[sock]))
            while not server.started and not serving.done():  # noqa: ASYNC110 (no such event)
                await asyncio.sleep(0.05)
            await connect_demo_stores(app.state.services)
        except BaseException as exc:
            failure.append(exc)
            server.should_exit = True
        ready.set()
        if serving is not None:
            await serving

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    try:
        if not ready.wait(READY_SECONDS):
            raise TimeoutError(f"the demo data was not ready in {READY_SECONDS} s")
        if failure:
            raise failure[0]
        port = sock.getsockname()[1]
        yield f"http://127.0.0.1:{port}/graphql", token[0]
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def _wait_for_lab(process: subprocess.Popen[bytes], url: str, token: str) -> None:
    with httpx.Client(timeout=2) as http:
        for _ in range(READY_SECONDS * 4):
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {process.returncode}")
            try:
                if http.get(f"{url}/api/status", params={"token": token}).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            # Waiting for a process to listen: there is nothing to subscribe to.
            threading.Event().wait(0.25)
    raise TimeoutError(f"JupyterLab did not answer at {url} in {READY_SECONDS} s")


@contextmanager
def start_lab(
    folder: Path, env: dict[str, str], notebooks: list[Path]
) -> Iterator[tuple[str, str]]:
    """JupyterLab on a copy of `notebooks`, settings and workspaces kept in `folder`."""
    served = folder / "notebooks"
    served.mkdir(parents=True, exist_ok=True)
    for notebook in notebooks:
        shutil.copy(notebook, served / notebook.name)
    settings = {
        # No news toast over the runbooks (and no request for it to the internet).
        "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        # Every cell in the page, not only those scrolled into view, so all can be checked.
        "notebook-extension/tracker": {"windowingMode": "none"},
    }
    for name, values in settings.items():
        path = folder / "lab-settings" / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_urlsafe(16)
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser", f"--port={port}", "--ip=127.0.0.1",
        f"--ServerApp.root_dir={served}",
        f"--IdentityProvider.token={token}",
        "--ServerApp.port_retries=0",
        f"--LabApp.user_settings_dir={folder / 'lab-settings'}",
        f"--LabApp.workspaces_dir={folder / 'lab-workspaces'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = (folder / "jupyterlab.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_lab(process, url, token)
        yield url, token
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def demo_stack(folder: Path, notebooks: list[Path]) -> Iterator[DemoStack]:
    """Everything `make demo` runs, on free ports, for the browser tests."""
    with serve_demo(folder) as (graphql_url, token):
        env = {
            **os.environ,
            "SKUPORT_URL": graphql_url,
            "SKUPORT_TOKEN": token,
            "JUPYTER_CONFIG_DIR": str(folder / "jupyter-config"),
        }
        with start_lab(folder, env, notebooks) as (lab_url, lab_token):
            yield DemoStack(graphql_url, token, lab_url, lab_token, folder / "notebooks")
