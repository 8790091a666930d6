"""The server itself: who am I, is it healthy, API tokens."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import text

from skuport.domain.auth import Role as DomainRole
from skuport.domain.auth import create_token, revoke_token
from skuport.domain.auth.service import InvalidTokenName
from skuport.schema.context import Info
from skuport.schema.errors import InvalidInput, NotFound, refused
from skuport.schema.ids import to_int
from skuport.schema.permissions import ADMINS, READERS, allow

Role = strawberry.enum(DomainRole, name="Role")


@strawberry.type(description="The caller, as its token identifies it.")
class Me:
    name: str
    role: Role  # type: ignore[valid-type]


@strawberry.type(description="The server's health and set-up.")
class ServerStatus:
    version: str
    database: str = strawberry.field(description="sqlite or postgresql")
    database_ok: bool
    scheduler_running: bool
    job_count: int


@strawberry.type(description="A new API token. The token is shown here once and never again.")
class ApiTokenCreated:
    id: strawberry.ID
    name: str
    role: Role  # type: ignore[valid-type]
    token: str


@strawberry.type
class ApiTokenRevoked:
    id: strawberry.ID


CreateApiTokenResult = Annotated[
    ApiTokenCreated | InvalidInput, strawberry.union("CreateApiTokenResult")
]
RevokeApiTokenResult = Annotated[
    ApiTokenRevoked | NotFound, strawberry.union("RevokeApiTokenResult")
]


@strawberry.type
class SystemQuery:
    @strawberry.field(permission_classes=allow(*READERS))
    def me(self, info: Info) -> Me:
        principal = info.context.principal
        assert principal is not None  # the permission admits only authenticated callers
        return Me(name=principal.name, role=principal.role)

    @strawberry.field(permission_classes=allow(*READERS))
    async def status(self, info: Info) -> ServerStatus:
        services = info.context.services
        try:
            async with services.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            database_ok = True
        except Exception:
            database_ok = False
        scheduler = services.scheduler
        return ServerStatus(
            version=services.version,
            database=services.engine.dialect.name,
            database_ok=database_ok,
            scheduler_running=bool(scheduler is not None and scheduler.running),
            job_count=len(services.registry),
        )


@strawberry.type
class SystemMutation:
    @strawberry.mutation(permission_classes=allow(*ADMINS))
    async def create_api_token(
        self,
        info: Info,
        name: str,
        role: Role,  # type: ignore[valid-type]
    ) -> CreateApiTokenResult:  # type: ignore[valid-type]
        try:
            async with info.context.services.units() as uow:
                token = await create_token(uow.session, name=name, role=role)
        except InvalidTokenName as exc:
            return refused(exc)
        return ApiTokenCreated(
            id=strawberry.ID(str(token.id)), name=token.name, role=token.role, token=token.secret
        )

    @strawberry.mutation(permission_classes=allow(*ADMINS))
    async def revoke_api_token(self, info: Info, id: strawberry.ID) -> RevokeApiTokenResult:  # type: ignore[valid-type]
        token_id = to_int(id)
        async with info.context.services.units() as uow:
            revoked = await revoke_token(uow.session, token_id=token_id)
        if not revoked:
            return NotFound(message=f"no active token with id {id}", field="id")
        return ApiTokenRevoked(id=id)
