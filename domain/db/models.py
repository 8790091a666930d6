"""Imports every model module, so that Base.metadata knows every table (for Alembic)."""

from domain.auth import models as auth_models
from domain.catalog import models as catalog_models
from domain.inventory import models as inventory_models
from domain.jobs import models as jobs_models
from domain.orders import models as orders_models
from domain.stock_sync import models as stock_sync_models
from domain.stores import models as stores_models

__all__ = [
    "auth_models",
    "catalog_models",
    "inventory_models",
    "jobs_models",
    "orders_models",
    "stock_sync_models",
    "stores_models",
]
