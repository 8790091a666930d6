"""Database access: engine, sessions, the declarative base, exact column types, migrations."""

from domain.db.base import Base, CreatedAt, utcnow
from domain.db.engine import (
    DEFAULT_DATABASE_URL,
    DatabaseConfigError,
    create_engine,
    create_session_factory,
    transaction,
)
from domain.db.types import Money, Quantity, UTCDateTime

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
