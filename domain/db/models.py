"""Imports every model module, so that Base.metadata knows every table (for Alembic)."""

from skuport.domain.auth import models as auth_models
from skuport.domain.inventory import models as inventory_models
from skuport.domain.jobs import models as jobs_models
from skuport.domain.listings import models as catalog_models
from skuport.domain.orders import models as orders_models
from skuport.domain.returns import models as returns_models
from skuport.domain.stock_sync import models as stock_sync_models
from skuport.domain.stores import models as stores_models

__all__ = [
    "auth_models",
    "catalog_models",
    "inventory_models",
    "jobs_models",
    "orders_models",
    "returns_models",
    "stock_sync_models",
    "stores_models",
]
