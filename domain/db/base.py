"""Declarative base shared by every model, with constraint names Alembic can diff."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from skuport.domain.db.types import UTCDateTime

# Stable constraint names make migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CreatedAt:
    """Mixin: when the row was created."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Archivable:
    """Mixin: when the record was archived (retired); None while it is in use.

    An archived record stays wherever history points at it (old sales and invoices read it as
    before) but is offered nowhere new; archiving again with `archived=False` restores it."""

    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    @property
    def archived(self) -> bool:
        return self.archived_at is not None
