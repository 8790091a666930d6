"""Reading a store's listings from Amazon: the listings report, then Catalog Items details."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from skuport.domain.amazon.catalog_items import CatalogItem, search_catalog_items
from skuport.domain.amazon.client import SpApiClient
from skuport.domain.amazon.errors import AmazonError
from skuport.domain.amazon.reports import create_report, get_report, read_report
from skuport.domain.listings.models import Fulfilment

LISTINGS_REPORT = "GET_MERCHANT_LISTINGS_ALL_DATA"
ITEM_DATA = (
    "summaries", "attributes", "relationships", "identifiers", "dimensions", "images",
    "classifications", "productTypes",
)  # fmt: skip
IDENTIFIERS_PER_CALL = 20  # searchCatalogItems accepts at most 20 identifiers
REPORT_POLL_SECONDS = 60.0
REPORT_MAX_WAIT_SECONDS = 4 * 3600.0

Sleep = Callable[[float], Awaitable[None]]


class ReportFailed(AmazonError):
    """Amazon could not produce the listings report."""


@dataclass(frozen=True)
class ListingRow:
    """One row of the listings report: a seller SKU offered in one marketplace."""

    marketplace_id: str
    seller_sku: str
    asin: str
    title: str
    price: Decimal | None
    quantity: Decimal | None
    fulfilment: Fulfilment
    active: bool


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value.strip()) if value.strip() else None
    except InvalidOperation:
        return None


def parse_listing(marketplace_id: str, row: dict[str, str]) -> ListingRow | None:
    """A report row as a listing; None when it names no product (no ASIN)."""
    asin = (row.get("asin1") or "").strip()
    if not asin:
        return None
    channel = (row.get("fulfillment-channel") or "DEFAULT").strip().upper()
    return ListingRow(
        marketplace_id=marketplace_id,
        seller_sku=(row.get("seller-sku") or "").strip(),
        asin=asin,
        title=(row.get("item-name") or "").strip(),
        price=_decimal(row.get("price") or ""),
        quantity=_decimal(row.get("quantity") or ""),
        fulfilment=Fulfilment.FBM if channel in ("DEFAULT", "MFN", "") else Fulfilment.FBA,
        active=(row.get("status") or "Active").strip().lower() == "active",
    )


async def listings_report(
    client: SpApiClient, marketplace_id: str, *, sleep: Sleep | None = None
) -> list[dict[str, str]]:
    """Request the listings report for one marketplace and wait (on the given clock) for it."""
    wait = sleep or asyncio.sleep
    report_id = await create_report(
        client, report_type=LISTINGS_REPORT, marketplace_ids=[marketplace_id]
    )
    waited = 0.0
    while True:
        report = await get_report(client, report_id)
        if report.status == "DONE":
            return await read_report(client, report)
        if report.status == "CANCELLED":
            return []  # Amazon cancels a report that has no data: the marketplace has no listings
        if report.status == "FATAL":
            raise ReportFailed(f"Amazon could not build the listings report {report_id}")
        if waited >= REPORT_MAX_WAIT_SECONDS:
            raise ReportFailed(f"the listings report {report_id} was not ready after 4 hours")
        await wait(REPORT_POLL_SECONDS)
        waited += REPORT_POLL_SECONDS


async def catalog_items(
    client: SpApiClient, marketplace_id: str, asins: Iterable[str]
) -> dict[str, CatalogItem]:
    """Catalog Items details for ASINs, twenty per call."""
    wanted = sorted(set(asins))
    found: dict[str, CatalogItem] = {}
    for start in range(0, len(wanted), IDENTIFIERS_PER_CALL):
        batch = wanted[start : start + IDENTIFIERS_PER_CALL]
        page = await search_catalog_items(
            client,
            marketplace_id=marketplace_id,
            identifiers=batch,
            identifiers_type="ASIN",
            included_data=ITEM_DATA,
            page_size=IDENTIFIERS_PER_CALL,
        )
        for item in page.items:
            found[item.asin] = item
    return found
