"""Alembic environment: always run on a connection handed in by domain.db.migrate."""

from alembic import context

from skuport.domain.db import models  # noqa: F401  (registers every table)
from skuport.domain.db.base import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `skuport db upgrade`, not the alembic command")

# Batch mode lets the same migrations alter tables on SQLite, which lacks ALTER for most changes.
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    compare_type=True,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
