"""API tokens: who may call the GraphQL API, and in which role."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from skuport.domain.db.base import Base, CreatedAt
from skuport.domain.db.types import UTCDateTime


class Role(enum.StrEnum):
    """What a token may do. Admin may do everything; readonly may only read."""

    ADMIN = "admin"
    OPERATIONS = "operations"
    FINANCE = "finance"
    READONLY = "readonly"


class ApiToken(CreatedAt, Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    # Only a SHA-256 digest is kept: the token itself is shown once, when it is created.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
