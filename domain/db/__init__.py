"""Database access: engine, sessions, the declarative base, exact column types, migrations."""

from skuport.domain.db.base import Base, CreatedAt, utcnow
from skuport.domain.db.engine import (
    DEFAULT_DATABASE_URL,
    DatabaseConfigError,
    create_engine,
    create_session_factory,
    transaction,
)
from skuport.domain.db.types import Money, Quantity, UTCDateTime

__all__ = [
    "DEFAULT_DATABASE_URL",
    "Base",
    "CreatedAt",
    "DatabaseConfigError",
    "Money",
    "Quantity",
    "UTCDateTime",
    "create_engine",
    "create_session_factory",
    "transaction",
    "utcnow",
]
