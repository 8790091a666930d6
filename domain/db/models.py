"""Imports every model module, so that Base.metadata knows every table (for Alembic)."""

from domain.auth import models as auth_models
from domain.jobs import models as jobs_models

__all__ = ["auth_models", "jobs_models"]
