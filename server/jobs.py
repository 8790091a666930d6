"""Every feature's scheduled jobs, registered in one place."""

from __future__ import annotations

from domain.catalog.scheduled import CATALOG_DOWNLOAD
from domain.jobs import JobRegistry
from domain.jobs.housekeeping import HOUSEKEEPING


def register_jobs(registry: JobRegistry) -> JobRegistry:
    """Add every feature's jobs to `registry`."""
    registry.register(HOUSEKEEPING)
    registry.register(CATALOG_DOWNLOAD)
    return registry
