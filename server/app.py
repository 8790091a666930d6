"""The Starlette application: GraphQL at /graphql, /healthz, and the scheduler in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import httpx
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute

from skuport.domain.amazon.throttle import Sleep
from skuport.domain.clock import Clock, SystemClock
from skuport.domain.db import create_engine, create_session_factory
from skuport.domain.db.migrate import upgrade
from skuport.domain.events import EventBus
from skuport.domain.jobs import JobRegistry, JobRunner
from skuport.domain.private_files import make_private_folder
from skuport.domain.security import SecretBox, load_or_create_key
from skuport.domain.stock_sync import wiring as stock_sync_wiring
from skuport.domain.stores.gateway import AmazonGateway
from skuport.schema.context import Services
from skuport.schema.schema import build_schema
from skuport.server.config import Settings
from skuport.server.graphql_app import SkuportGraphQL
from skuport.server.hardening import BodyLimit, SecurityHeaders
from skuport.server.jobs import register_jobs
from skuport.server.scheduler import Scheduler

log = logging.getLogger(__name__)


def skuport_version() -> str:
    try:
        return version("skuport")
    except PackageNotFoundError:
        return "0+unknown"


def secret_box(settings: Settings) -> SecretBox:
    """The box for stored secrets: SKUPORT_SECRET_KEY, or a key file made on first run."""
    key = settings.secret_key or load_or_create_key(settings.secret_key_file)
    return SecretBox(key)


async def build_services(
    settings: Settings,
    *,
    clock: Clock | None = None,
    amazon_transport: httpx.AsyncBaseTransport | None = None,
    amazon_sleep: Sleep | None = None,
) -> Services:
    """Connect, migrate, and assemble the long-lived services."""
    # Statements are logged at DEBUG without their parameters (token hashes, ciphertext,
    # business data) unless SKUPORT_LOG_SQL_PARAMETERS asks for them.
    engine = create_engine(settings.database_url, hide_parameters=not settings.log_sql_parameters)
    try:
        await upgrade(engine)
    except Exception:
        await engine.dispose()
        raise
    sessions = create_session_factory(engine)
    clock = clock or SystemClock()
    make_private_folder(settings.data_dir)
    bus = EventBus()
    registry = JobRegistry()
    register_jobs(registry)
    box = secret_box(settings)
    amazon = AmazonGateway(box=box, clock=clock, sleep=amazon_sleep, transport=amazon_transport)
    # What jobs may use, by name: the Amazon gateway and settings they honour.
    runner = JobRunner(
        sessions=sessions,
        clock=clock,
        bus=bus,
        services={"run_retention_days": settings.run_retention_days, "amazon": amazon},
    )
    stock_sync_wiring.subscribe(bus, runner=runner)
    return Services(
        engine=engine,
        sessions=sessions,
        clock=clock,
        bus=bus,
        registry=registry,
        runner=runner,
        secrets=box,
        version=skuport_version(),
        amazon=amazon,
        sandbox_url=settings.sandbox_url,
    )


async def healthz(request: Request) -> JSONResponse:
    """Liveness and database reachability, for load balancers and the demo."""
    services: Services = request.app.state.services
    try:
        async with services.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        return JSONResponse({"status": "error", "database": str(exc)[:200]}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok", "version": services.version})


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    amazon_transport: httpx.AsyncBaseTransport | None = None,
    amazon_sleep: Sleep | None = None,
) -> Starlette:
    """The ASGI app; the database is migrated and the scheduler started when it starts.

    `clock`, `amazon_transport` and `amazon_sleep` let tests run against an in-process sandbox
    Amazon on virtual time; in production they are left out.
    """
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        services = await build_services(
            settings, clock=clock, amazon_transport=amazon_transport, amazon_sleep=amazon_sleep
        )
        if settings.scheduler_enabled:
            services.scheduler = Scheduler(
                registry=services.registry, runner=services.runner, sessions=services.sessions
            )
            await services.scheduler.start()
        app.state.services = services
        try:
            yield
        finally:
            if services.scheduler is not None:
                services.scheduler.shutdown()
            await services.runner.drain()
            await services.amazon.aclose()
            await services.engine.dispose()

    schema = build_schema(
        max_depth=settings.max_query_depth,
        max_tokens=settings.max_query_tokens,
        max_aliases=settings.max_aliases,
    )
    graphql = SkuportGraphQL(schema, graphiql=settings.graphiql)
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
        ],
        middleware=_middleware(settings),
        lifespan=lifespan,
    )


def _middleware(settings: Settings) -> list[Any]:
    # Outermost first: every answer (a 413 included) carries the security headers.
    middleware: list[Any] = [
        Middleware(SecurityHeaders),
        Middleware(BodyLimit, max_bytes=settings.max_body_bytes),
    ]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    return middleware


def uvicorn_config(app: Any, *, host: str, port: int, log_level: str, **options: Any) -> Any:
    """How uvicorn serves an app of ours: without a `server` header naming the software."""
    import uvicorn

    return uvicorn.Config(
        app, host=host, port=port, log_level=log_level, server_header=False, **options
    )
