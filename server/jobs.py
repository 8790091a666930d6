"""Every feature's scheduled jobs, registered in one place."""

from __future__ import annotations

from skuport.domain.jobs import JobRegistry
from skuport.domain.jobs.housekeeping import HOUSEKEEPING
from skuport.domain.listings.scheduled import CATALOG_DOWNLOAD
from skuport.domain.orders.scheduled import ORDERS_CONSOLIDATION, ORDERS_DOWNLOAD
from skuport.domain.returns.scheduled import RETURNS
from skuport.domain.stock_sync.scheduled import CONFIRM_SHIPMENTS, STOCK_PUSH


def register_jobs(registry: JobRegistry) -> JobRegistry:
    """Add every feature's jobs to `registry`."""
    registry.register(HOUSEKEEPING)
    registry.register(CATALOG_DOWNLOAD)
    registry.register(ORDERS_DOWNLOAD)
    registry.register(ORDERS_CONSOLIDATION)
    registry.register(STOCK_PUSH)
    registry.register(CONFIRM_SHIPMENTS)
    registry.register(RETURNS)
    return registry
