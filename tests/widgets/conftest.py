"""Fixtures shared by the widget tests: clients per role and the sandbox's NA seller."""

from __future__ import annotations

import pytest

from skuport.widgets import SkuportClient
from skuport.widgets.stores import CONNECT_SANDBOX_STORE


@pytest.fixture
def admin(live_server, tokens) -> SkuportClient:
    return SkuportClient(live_server.graphql_url, tokens["admin"])


@pytest.fixture
def operations(live_server, tokens) -> SkuportClient:
    return SkuportClient(live_server.graphql_url, tokens["operations"])


@pytest.fixture
def readonly(live_server, tokens) -> SkuportClient:
    return SkuportClient(live_server.graphql_url, tokens["readonly"])


@pytest.fixture
def seller(live_server):  # type: ignore[no-untyped-def]
    """The sandbox Amazon's North American seller (US, CA, MX)."""
    return next(s for s in live_server.sandbox.state.sellers.values() if s.region == "NA")


@pytest.fixture
def store_id(admin, seller) -> str:
    """The NA seller connected as a store, with the default settings (BY_SKU, no create)."""
    result = admin.execute(CONNECT_SANDBOX_STORE, sellerId=seller.seller_id, name="NA store")
    assert result["connectSandboxStore"]["__typename"] == "StoreSaved"
    return result["connectSandboxStore"]["store"]["id"]
