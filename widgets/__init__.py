"""Runbook widgets. They talk to the Skuport server over GraphQL/HTTP only."""

from widgets.catalog import CatalogWidget
from widgets.catalog_actions import ChangesPanel, ProductPicker
from widgets.client import SkuportClient, SkuportError, find_connection
from widgets.order_logs import NotificationsWidget, OrderLogWidget
from widgets.order_operations import OrderRunsWidget
from widgets.orders import PendingOrdersWidget
from widgets.runs import RunsWidget
from widgets.status import StatusPanel
from widgets.store_list import StoresWidget
from widgets.store_settings import StoreSettingsWidget
from widgets.stores import ConnectStoreWidget


def connect() -> SkuportClient:
    """A client for the configured server (SKUPORT_URL/SKUPORT_TOKEN, or the running demo)."""
    return SkuportClient.connect()


__all__ = [
    "CatalogWidget",
    "ChangesPanel",
    "ConnectStoreWidget",
    "NotificationsWidget",
    "OrderLogWidget",
    "OrderRunsWidget",
    "PendingOrdersWidget",
    "ProductPicker",
    "RunsWidget",
    "SkuportClient",
    "SkuportError",
    "StatusPanel",
    "StoreSettingsWidget",
    "StoresWidget",
    "connect",
    "find_connection",
]
