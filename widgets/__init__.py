"""Runbook widgets. They talk to the Skuport server over GraphQL/HTTP only."""

from skuport.widgets.back_office import BackOfficeWidget
from skuport.widgets.back_office_imports import ImportsWidget
from skuport.widgets.catalog import CatalogWidget
from skuport.widgets.catalog_actions import ChangesPanel, ProductPicker
from skuport.widgets.client import SkuportClient, SkuportError, find_connection
from skuport.widgets.order_logs import NotificationsWidget, OrderLogWidget
from skuport.widgets.order_operations import OrderRunsWidget
from skuport.widgets.orders import PendingOrdersWidget
from skuport.widgets.returns import ReturnsAuditWidget, ReturnsWidget
from skuport.widgets.runs import RunsWidget
from skuport.widgets.setup_checklist import SetupChecklist
from skuport.widgets.status import StatusPanel
from skuport.widgets.store_list import StoresWidget
from skuport.widgets.store_settings import StoreSettingsWidget
from skuport.widgets.stores import ConnectStoreWidget


def connect() -> SkuportClient:
    """A client for the configured server (SKUPORT_URL/SKUPORT_TOKEN, or the running demo)."""
    return SkuportClient.connect()


__all__ = [
    "BackOfficeWidget",
    "CatalogWidget",
    "ChangesPanel",
    "ConnectStoreWidget",
    "ImportsWidget",
    "NotificationsWidget",
    "OrderLogWidget",
    "OrderRunsWidget",
    "PendingOrdersWidget",
    "ProductPicker",
    "ReturnsAuditWidget",
    "ReturnsWidget",
    "RunsWidget",
    "SetupChecklist",
    "SkuportClient",
    "SkuportError",
    "StatusPanel",
    "StoreSettingsWidget",
    "StoresWidget",
    "connect",
    "find_connection",
]
