"""Create, check and revoke API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.auth.models import ApiToken, Role
from skuport.domain.errors import InvalidValue
from skuport.domain.inventory.values import printable_text
from skuport.domain.unit_of_work import now_of, record

TOKEN_PREFIX = "skp_"


@dataclass(frozen=True)
class Principal:
    """The caller behind a valid token."""

    token_id: int
    name: str
    role: Role


@dataclass(frozen=True)
class TokenRevoked:
    """Announced once a token's revocation has committed: its open connections must end."""

    token_id: int


@dataclass(frozen=True)
class NewToken:
    """A freshly created token: `secret` is shown once and never stored."""

    id: int
    name: str
    role: Role
    secret: str


class InvalidTokenName(InvalidValue):
    """A token needs a name of 1 to 100 characters."""


def hash_token(secret: str) -> str:
    """The stored digest of a token (tokens are random, so a plain SHA-256 suffices)."""
    return hashlib.sha256(secret.encode()).hexdigest()


async def create_token(session: AsyncSession, *, name: str, role: Role) -> NewToken:
    """Create a token for `name` in `role`; the caller must show `secret` to the user once."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidTokenName("name", "a token needs a name of 1 to 100 characters")
    try:
        printable_text(name, field="name")
    except InvalidValue as exc:
        raise InvalidTokenName("name", exc.message) from None
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, role=Role(role), token_hash=hash_token(secret), prefix=secret[:8])
    session.add(token)
    await session.flush()
    return NewToken(id=token.id, name=token.name, role=token.role, secret=secret)


async def authenticate(session: AsyncSession, secret: str) -> Principal | None:
    """The principal behind `secret`, or None when the token is unknown or revoked."""
    token = await session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(secret.strip()))
    )
    if token is None or token.revoked_at is not None:
        return None
    return Principal(token_id=token.id, name=token.name, role=token.role)


async def revoke_token(session: AsyncSession, *, token_id: int) -> bool:
    """Revoke a token; False when there is no such active token."""
    token = await session.get(ApiToken, token_id)
    if token is None or token.revoked_at is not None:
        return False
    token.revoked_at = now_of(session)
    record(session, TokenRevoked(token_id=token.id))
    return True


async def token_is_active(session: AsyncSession, token_id: int) -> bool:
    """Whether the token still exists and has not been revoked (by this process or another)."""
    revoked = await session.execute(select(ApiToken.revoked_at).where(ApiToken.id == token_id))
    row = revoked.first()
    return row is not None and row[0] is None
