"""What every resolver can reach: the app's services and the caller."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from strawberry.types import Info as _Info

from skuport.domain.auth import Principal
from skuport.domain.clock import Clock
from skuport.domain.events import EventBus
from skuport.domain.jobs import JobRegistry, JobRunner
from skuport.domain.security import SecretBox
from skuport.domain.stores.gateway import AmazonGateway
from skuport.domain.unit_of_work import UnitsOfWork
from skuport.schema.live import OpenSockets


@dataclass
class Services:
    """Long-lived objects shared by every request, built once in the server's lifespan."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    bus: EventBus
    registry: JobRegistry
    runner: JobRunner
    secrets: SecretBox
    scheduler: Any = None
    amazon: AmazonGateway | None = None
    sandbox_url: str | None = None
    version: str = "0"
    extra: dict[str, Any] = field(default_factory=dict)
    units: UnitsOfWork = field(init=False)
    # Open subscription sockets by token: closed when their token is revoked.
    sockets: OpenSockets = field(init=False)

    def __post_init__(self) -> None:
        self.units = UnitsOfWork(self.sessions, clock=self.clock, bus=self.bus)
        self.sockets = OpenSockets()
        self.sockets.listen(self.bus)


@dataclass
class Context:
    """One request's context: the services and the principal behind the bearer token."""

    services: Services
    principal: Principal | None
    request: Any = None
    response: Any = None
    connection_params: dict[str, Any] | None = None


Info = _Info[Context, None]
