"""Fixtures: a fresh sandbox Amazon on a virtual clock and SP-API clients connected to it."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from starlette.applications import Starlette

from skuport.domain.amazon import Region, RetryPolicy, SpApiClient, StoreCredentials
from skuport.sandbox.app import create_sandbox_app
from skuport.sandbox.clock import SandboxClock
from skuport.sandbox.http import Sandbox
from skuport.sandbox.state import Seller

BASE = "http://sandbox.test"


@pytest.fixture
def sandbox_app() -> Starlette:
    """A small seeded sandbox whose clock moves only when told."""
    return create_sandbox_app(seed=7, size="tiny", clock=SandboxClock())


@pytest.fixture
def sandbox(sandbox_app: Starlette) -> Sandbox:
    """The sandbox's state, limits and faults."""
    return sandbox_app.state.sandbox


def credentials(seller: Seller, **overrides: object) -> StoreCredentials:
    """Store credentials pointing at the in-process sandbox."""
    values: dict[str, object] = {
        "store_id": f"store-{seller.region}",
        "client_id": seller.client_id,
        "client_secret": seller.client_secret,
        "refresh_token": seller.refresh_token,
        "selling_partner_id": seller.seller_id,
        "region": Region(seller.region),
        "marketplace_ids": tuple(seller.marketplace_ids),
        "endpoint": BASE,
        "token_url": f"{BASE}/auth/o2/token",
    }
    values.update(overrides)
    return StoreCredentials(**values)  # type: ignore[arg-type]


MakeClient = Callable[..., SpApiClient]


@pytest.fixture
async def make_client(sandbox_app: Starlette, sandbox: Sandbox) -> AsyncIterator[MakeClient]:
    """Build clients for the NA (default) or EU seller; their waits advance the sandbox clock."""
    clients: list[SpApiClient] = []

    def build(
        region: str = "NA",
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        **overrides: object,
    ) -> SpApiClient:
        seller = next(s for s in sandbox.state.sellers.values() if s.region == region)
        clock = sandbox.state.clock
        client = SpApiClient(
            credentials(seller, **overrides),
            transport=transport or httpx.ASGITransport(app=sandbox_app),
            clock=clock,
            sleep=clock.sleep,
            rng=random.Random(0),
            retry=retry,
        )
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.aclose()


@pytest.fixture
def na_seller(sandbox: Sandbox) -> Seller:
    """The NA demo seller (US, CA, MX)."""
    return next(s for s in sandbox.state.sellers.values() if s.region == "NA")


@pytest.fixture
def eu_seller(sandbox: Sandbox) -> Seller:
    """The EU demo seller (UK, DE, FR, IT, ES)."""
    return next(s for s in sandbox.state.sellers.values() if s.region == "EU")


@pytest.fixture
def rng() -> random.Random:
    """A seeded random source for deterministic jitter."""
    return random.Random(0)
