"""End-to-end fixtures: the real app, talking to an in-process sandbox Amazon on virtual time."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import httpx
import pytest

from skuport.sandbox.app import create_sandbox_app
from skuport.sandbox.clock import SandboxClock
from skuport.server.app import create_app
from tests.e2e.stock_push_support import CONNECT, DOWNLOAD, SETTINGS

SANDBOX = "http://sandbox.test"


@pytest.fixture
def sandbox_app():  # type: ignore[no-untyped-def]
    """A small seeded sandbox Amazon whose clock moves only when told (or when clients wait)."""
    return create_sandbox_app(seed=7, size="tiny", clock=SandboxClock())


@pytest.fixture
def sandbox(sandbox_app):  # type: ignore[no-untyped-def]
    return sandbox_app.state.sandbox


@pytest.fixture
def sellers(sandbox):  # type: ignore[no-untyped-def]
    """The sandbox's sellers by region: NA and EU."""
    return {seller.region: seller for seller in sandbox.state.sellers.values()}


@pytest.fixture
async def app(settings, sessions, sandbox_app, sandbox):  # type: ignore[no-untyped-def]
    """Skuport, whose Amazon calls go to the sandbox and whose waits are virtual."""
    clock = sandbox.state.clock
    application = create_app(
        settings,
        clock=clock,
        amazon_transport=httpx.ASGITransport(app=sandbox_app),
        amazon_sleep=clock.sleep,
    )
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def connect_input():  # type: ignore[no-untyped-def]
    """Build the connectStore input for a sandbox seller."""
    return _connect_input


def _connect_input(seller, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "name": f"{seller.region} store",
        "region": seller.region,
        "sellingPartnerId": seller.seller_id,
        "lwaClientId": seller.client_id,
        "lwaClientSecret": seller.client_secret,
        "refreshToken": seller.refresh_token,
        "apiEndpoint": SANDBOX,
        "tokenUrl": f"{SANDBOX}/auth/o2/token",
    }
    values.update(overrides)
    return values


@pytest.fixture
def eu_store(gql, app, sellers, connect_input, sessions, sandbox):
    """The EU seller (5 marketplaces) connected, its catalog downloaded and linked, and the
    push that linking starts (with stock updates on) applied by Amazon."""

    async def connect(**settings):
        result = await gql(CONNECT, input=connect_input(sellers["EU"]))
        store_id = result["data"]["connectStore"]["store"]["id"]
        wanted = {"createProductIfNotFound": True, "updateStockLevels": True, **settings}
        changed = await gql(SETTINGS, storeId=store_id, settings=wanted)
        assert changed["data"]["updateStoreSettings"]["__typename"] == "StoreSaved", changed
        await gql(DOWNLOAD, storeId=store_id)
        await app.state.services.runner.drain()
        sandbox.state.clock.advance(timedelta(minutes=6))  # Amazon processes the push's feed
        sandbox.tick()
        return int(store_id)

    return connect


@pytest.fixture
def calls(sandbox, monkeypatch):
    """SP-API calls the sandbox answered, by operation."""
    counted: Counter[str] = Counter()
    original = sandbox.limits.allow

    def counting(seller_id, name, now):  # type: ignore[no-untyped-def]
        counted[name] += 1
        return original(seller_id, name, now)

    monkeypatch.setattr(sandbox.limits, "allow", counting)
    return counted
