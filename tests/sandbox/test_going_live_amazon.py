"""Going live on real Amazon: the client against a sandbox as strict as Amazon (OR-1, OR-8,
ST-3, ST-9, BX-2). A missing role is told apart from a dead authorisation, paging loops stop,
Amazon's clock is learnt from its Date header, report documents are read in their charset, and
the sandbox refuses what Amazon refuses."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from starlette.applications import Starlette

from skuport.domain.amazon import ReauthoriseStoreError, SpApiClient
from skuport.domain.amazon.errors import MissingRoleError
from skuport.domain.amazon.finances import list_financial_events_by_order_id
from skuport.domain.amazon.orders import get_order
from skuport.domain.amazon.paging import Page, PaginationLoopError, iterate_pages
from skuport.domain.amazon.reports import (
    ALL_ORDERS_BY_LAST_UPDATE,
    create_report,
    get_report,
    read_report,
)
from skuport.domain.orders.source import NEWEST_ALLOWED, search_window
from skuport.sandbox.http import Sandbox
from tests.domain.amazon.conftest import credentials

BASE = "http://sandbox.test"
NOT_RESTRICTED = ["Inventory and Order Tracking", "Product Listing", "Finance and Accounting"]


@pytest.fixture
async def client(sandbox_app: Starlette, sandbox: Sandbox) -> AsyncIterator[SpApiClient]:
    """A client of the EU seller whose waits advance the sandbox clock."""
    seller = next(s for s in sandbox.state.sellers.values() if s.region == "EU")
    clock = sandbox.state.clock
    built = SpApiClient(
        credentials(seller),
        transport=httpx.ASGITransport(app=sandbox_app),
        clock=clock,
        sleep=clock.sleep,
        rng=random.Random(0),
    )
    yield built
    await built.aclose()


def _seller(sandbox: Sandbox) -> str:
    return next(s.seller_id for s in sandbox.state.sellers.values() if s.region == "EU")


async def _stage(http: httpx.AsyncClient, sandbox: Sandbox, **order: object) -> dict:
    staged = await http.post("/_sandbox/orders", json={"sellerId": _seller(sandbox), **order})
    assert staged.status_code == 201, staged.text
    await http.post("/_sandbox/clock", json={"seconds": 900})
    return staged.json()["order"]


async def test_st3_a_missing_finance_role_names_the_role_and_where_to_add_it(
    http: httpx.AsyncClient, sandbox: Sandbox, client: SpApiClient
) -> None:
    """ST-3: Amazon's 403 for a role the application lacks says which role and where to add
    it; it is not reported as an authorisation to renew."""
    roles = ["Inventory and Order Tracking", "Product Listing"]
    await http.post(f"/_sandbox/sellers/{_seller(sandbox)}/roles", json={"roles": roles})

    with pytest.raises(MissingRoleError) as refused:
        await list_financial_events_by_order_id(client, "302-0000000-0000000")

    assert refused.value.role == "Finance and Accounting"
    assert "Seller Central" in str(refused.value) and "re-authorise" not in str(refused.value)


async def test_st3_a_revoked_authorisation_is_still_told_to_re_authorise(
    http: httpx.AsyncClient, sandbox: Sandbox, client: SpApiClient
) -> None:
    """ST-3: a revoked refresh token is an authorisation to renew, not a missing role."""
    await http.post(f"/_sandbox/sellers/{_seller(sandbox)}/revoke")

    with pytest.raises(ReauthoriseStoreError):
        await list_financial_events_by_order_id(client, "302-0000000-0000000")


async def test_or1_without_restricted_roles_orders_keep_only_the_non_personal_address(
    http: httpx.AsyncClient, sandbox: Sandbox, client: SpApiClient
) -> None:
    """OR-1: without a restricted role Amazon leaves out names, street, postal code and phone,
    and still gives the city and country."""
    await http.post(f"/_sandbox/sellers/{_seller(sandbox)}/roles", json={"roles": NOT_RESTRICTED})
    staged = await _stage(http, sandbox, lines=[{"quantity": 1, "unitPrice": "9.00"}])

    order = await get_order(client, staged["orderId"], included_data=("BUYER", "RECIPIENT"))

    assert order.buyer_name is None and order.buyer_email is None
    assert order.address is not None
    assert order.address.name is None and order.address.lines == ()
    assert order.address.postal_code is None and order.address.phone is None
    assert order.address.city and order.address.country_code


async def test_or8_the_finances_by_order_reader_stops_on_a_repeated_token(
    http: httpx.AsyncClient, client: SpApiClient, sandbox: Sandbox
) -> None:
    """OR-8: Amazon handing back the same NextToken stops the read after two pages instead of
    following it forever."""
    await http.post("/_sandbox/settings", json={"loopingPages": ["listFinancialEventsByOrderId"]})
    calls = 0
    original = sandbox.limits.allow

    def counting(seller_id: str, name: str, now: object) -> bool:
        nonlocal calls
        calls += name == "listFinancialEventsByOrderId"
        return original(seller_id, name, now)  # type: ignore[arg-type]

    sandbox.limits.allow = counting  # type: ignore[method-assign]

    with pytest.raises(PaginationLoopError):
        await list_financial_events_by_order_id(client, "302-0000000-0000000")

    assert calls == 2


async def test_or8_every_pager_stops_at_its_page_limit() -> None:
    """OR-8: pages that never end (a new token every time) stop at the page limit."""
    fetched = 0

    async def fetch(token: str | None) -> Page[int]:
        nonlocal fetched
        fetched += 1
        return Page([fetched], f"token-{fetched}")

    with pytest.raises(PaginationLoopError):
        _ = [item async for item in iterate_pages(fetch, what="test", limit=5)]

    assert fetched == 5


async def test_or1_a_window_refused_for_clock_skew_is_retried_within_amazons_clock(
    http: httpx.AsyncClient, sandbox: Sandbox, client: SpApiClient
) -> None:
    """OR-1: with our clock 90 s ahead of Amazon's, a window ending two minutes before our now
    is refused once; the client learns Amazon's clock from the Date header and reads the
    window again, ending two minutes (and a margin) before Amazon's now."""
    staged = await _stage(http, sandbox, lines=[{"quantity": 1, "unitPrice": "9.00"}])
    await http.post("/_sandbox/settings", json={"clockSkewSeconds": 90})
    now = sandbox.state.clock.now()
    marketplaces = next(s for s in sandbox.state.sellers.values() if s.region == "EU")

    fetched = await search_window(
        client,
        marketplace_ids=marketplaces.marketplace_ids,
        after=now - timedelta(hours=1),
        before=now - NEWEST_ALLOWED,
    )

    assert staged["orderId"] in {o.order_id for o in fetched.orders}
    assert client.amazon_offset == timedelta(seconds=-90)
    assert fetched.updated_before is not None
    assert fetched.updated_before <= sandbox.state.amazon_now() - NEWEST_ALLOWED


@pytest.mark.parametrize(
    ("charset", "marketplace", "title"),
    [("iso-8859-1", "A1PA6795UKMFR9", "Crème brûlée Brenner"), ("shift_jis", None, "湯呑み")],
)
async def test_bx2_report_documents_are_read_in_their_charset_with_extra_columns(
    http: httpx.AsyncClient,
    sandbox: Sandbox,
    client: SpApiClient,
    charset: str,
    marketplace: str | None,
    title: str,
) -> None:
    """BX-2: an orders report in Latin-1 or Shift_JIS, with columns the documentation does not
    list before the known ones, is read by header name with its titles intact."""
    order = {"lines": [{"quantity": 1, "unitPrice": "9.00", "title": title}]}
    if marketplace:
        order["marketplaceId"] = marketplace
    staged = await _stage(http, sandbox, **order)
    await http.post(
        "/_sandbox/settings", json={"reportCharset": charset, "reportExtraColumns": True}
    )
    now = sandbox.state.clock.now()
    report_id = await create_report(
        client,
        report_type=ALL_ORDERS_BY_LAST_UPDATE,
        marketplace_ids=[staged["salesChannel"]["marketplaceId"]],
        data_start=now - timedelta(hours=1),
        data_end=now - NEWEST_ALLOWED,
    )
    await http.post("/_sandbox/clock", json={"seconds": 600})

    rows = await read_report(client, await get_report(client, report_id))

    (row,) = [r for r in rows if r["amazon-order-id"] == staged["orderId"]]
    assert row["product-name"] == title
    assert "url" in row and row["quantity"] == "1"


async def test_st9_the_sandbox_refuses_what_amazon_refuses(
    http: httpx.AsyncClient, sandbox: Sandbox, na_token: dict[str, str]
) -> None:
    """ST-9/OR-1: unknown includedData values, a postedBefore under two minutes ago, payout
    ranges over 180 days and unknown listing attributes are refused, and document URLs
    expire after five minutes."""
    now = sandbox.state.clock.now()
    orders = await http.get(
        "/orders/2026-01-01/orders",
        params={"lastUpdatedAfter": "2026-07-01T00:00:00Z", "includedData": "BUYER,EVERYTHING"},
        headers=na_token,
    )
    assert orders.status_code == 400
    posted = await http.get(
        "/finances/2024-06-19/transactions",
        params={
            "postedAfter": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "postedBefore": (now - timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        headers=na_token,
    )
    assert posted.status_code == 400
    groups = await http.get(
        "/finances/v0/financialEventGroups",
        params={"FinancialEventGroupStartedAfter": "2025-01-01T00:00:00Z"},
        headers=na_token,
    )
    assert groups.status_code == 400
    seller = next(s for s in sandbox.state.sellers.values() if s.region == "NA")
    listing = await http.put(
        f"/listings/2021-08-01/items/{seller.seller_id}/NEW-SKU",
        params={"marketplaceIds": seller.marketplace_ids[0]},
        json={
            "productType": "PRODUCT",
            "attributes": {
                "item_name": [{"value": "Mug"}],
                "sparkle_level": [{"value": "high"}],
            },
        },
        headers=na_token,
    )
    assert listing.json()["status"] == "INVALID"
    assert "sparkle_level" in str(listing.json()["issues"])
    document = await http.post(
        "/feeds/2021-06-30/documents", json={"contentType": "text/plain"}, headers=na_token
    )
    url = document.json()["url"].removeprefix(str(http.base_url).rstrip("/"))
    assert (await http.put(url, content=b"x")).status_code == 200
    await http.post("/_sandbox/clock", json={"seconds": 301})
    assert (await http.get(url)).status_code == 403
