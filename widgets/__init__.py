"""Runbook widgets. They talk to the Skuport server over GraphQL/HTTP only."""

from widgets.client import SkuportClient, SkuportError, find_connection
from widgets.runs import RunsWidget
from widgets.status import StatusPanel


def connect() -> SkuportClient:
    """A client for the configured server (SKUPORT_URL/SKUPORT_TOKEN, or the running demo)."""
    return SkuportClient.connect()


__all__ = [
    "RunsWidget",
    "SkuportClient",
    "SkuportError",
    "StatusPanel",
    "connect",
    "find_connection",
]
