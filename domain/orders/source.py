"""Where orders come from: searchOrders by last-updated time, or the all-orders report (BX-2)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from skuport.domain.amazon.client import SpApiClient
from skuport.domain.amazon.errors import AmazonError, MalformedPayloadError, SpApiError
from skuport.domain.amazon.orders import (
    BASE,
    Breakdown,
    DeliveryAddress,
    FulfillmentStatus,
    Order,
    OrderItem,
    parse_order,
)
from skuport.domain.amazon.paging import PageTokens
from skuport.domain.amazon.parsing import AmountWithCurrency, Reader, iso
from skuport.domain.amazon.reports import (
    ALL_ORDERS_BY_LAST_UPDATE,
    create_report,
    get_report,
    read_report,
)
from skuport.domain.stores.marketplaces import MARKETPLACES

Sleep = Callable[[float], Awaitable[None]]

INCLUDED = ("BUYER", "RECIPIENT", "PROCEEDS", "FULFILLMENT", "PROMOTION")
# Amazon refuses a `lastUpdatedBefore` closer than two minutes to now.
NEWEST_ALLOWED = timedelta(minutes=2)
# searchOrders refills one call every ~3 minutes: a window longer than this is read from the
# all-orders report instead (one report holds every order of its window; SPAPI.md §5).
REPORT_ROUTE_AFTER = timedelta(days=2)
# When Amazon's clock runs behind ours, a window ends this much before Amazon's "2 minutes ago".
SKEW_MARGIN = timedelta(seconds=30)
# Amazon warns that order reports can lag up to 30 minutes: a window read from a report is
# only trusted up to this long before its end, so the next run reads that stretch again.
REPORT_LAG = timedelta(minutes=30)
REPORT_POLL_SECONDS = 60.0
REPORT_MAX_WAIT_SECONDS = 4 * 3600.0


class OrdersReportFailed(AmazonError):
    """Amazon could not produce the orders report."""


@dataclass(frozen=True)
class BadOrder:
    """An order Amazon sent in a shape we cannot read (OR-8: skipped with its reason)."""

    order_id: str
    problem: str


@dataclass
class Fetched:
    """Orders of one window, the ones we could not read, and where the window really ended."""

    orders: list[Order] = field(default_factory=list)
    bad: list[BadOrder] = field(default_factory=list)
    updated_before: datetime | None = None
    route: str = "searchOrders"


def _read_page(body: object) -> tuple[list[Order], list[BadOrder], str | None, datetime | None]:
    """One searchOrders page, read order by order so that one broken order spoils nothing else."""
    envelope = Reader(body, "searchOrders")
    orders, bad = [], []
    for entry in envelope.array("orders", required=True):
        try:
            orders.append(parse_order(entry))
        except MalformedPayloadError as error:
            order_id = entry.get("orderId") if isinstance(entry, dict) else None
            bad.append(BadOrder(str(order_id or "<no orderId>"), error.problem))
    pagination = envelope.obj("pagination")
    token = pagination.text("nextToken") if pagination else None
    return orders, bad, token, envelope.moment("lastUpdatedBefore")


async def search_window(
    client: SpApiClient,
    *,
    marketplace_ids: Sequence[str],
    after: datetime,
    before: datetime,
) -> Fetched:
    """Every order last updated in [after, before], all pages together."""
    fetched = Fetched(updated_before=before)
    async for page in search_pages(
        client, marketplace_ids=marketplace_ids, after=after, before=before
    ):
        fetched.orders += page.orders
        fetched.bad += page.bad
        fetched.updated_before = page.updated_before
    return fetched


async def search_pages(
    client: SpApiClient,
    *,
    marketplace_ids: Sequence[str],
    after: datetime,
    before: datetime,
) -> AsyncIterator[Fetched]:
    """The orders last updated in [after, before], one page at a time as Amazon answers
    (429/5xx retried by the client); each page says where the window really ends."""
    params: dict[str, object] = {
        "marketplaceIds": list(marketplace_ids),
        "lastUpdatedAfter": iso(after),
        "lastUpdatedBefore": iso(before),
        "includedData": list(INCLUDED),
        "maxResultsPerPage": 100,
    }
    before = within_amazons_clock(client, before, after)
    params["lastUpdatedBefore"] = iso(before)
    updated_before = before
    token: str | None = None
    retried = False
    tokens = PageTokens("searchOrders")
    while True:
        try:
            response = await client.call(
                "searchOrders", "GET", BASE, params={**params, "paginationToken": token}
            )
        except SpApiError as error:
            # Amazon's clock runs behind ours: the refusal's Date header taught the client by
            # how much, so the window ends a little earlier and is asked for again.
            if token or not _too_recent(error) or retried:
                raise
            before = within_amazons_clock(client, before, after)
            params["lastUpdatedBefore"], updated_before = iso(before), before
            retried = True
            continue
        orders, bad, token, echoed = _read_page(response.body)
        updated_before = echoed or updated_before
        yield Fetched(orders, bad, updated_before)
        if not tokens.follow(token):
            return


def _too_recent(error: SpApiError) -> bool:
    return error.status == 400 and "2 minutes" in error.message


def within_amazons_clock(client: SpApiClient, before: datetime, after: datetime) -> datetime:
    """`before`, or earlier when Amazon's clock (learnt from its `Date` header) runs behind
    ours: two minutes and a margin before Amazon's now, never before `after`."""
    latest = client.amazon_now() - NEWEST_ALLOWED - SKEW_MARGIN
    if client.amazon_offset < timedelta(0) and before > latest:
        return max(after, latest)
    return before


# --- the report route ------------------------------------------------------------------------

V0_STATUS = {
    "pendingavailability": FulfillmentStatus.PENDING_AVAILABILITY,
    "pending": FulfillmentStatus.PENDING,
    "unshipped": FulfillmentStatus.UNSHIPPED,
    "partiallyshipped": FulfillmentStatus.PARTIALLY_SHIPPED,
    "shipped": FulfillmentStatus.SHIPPED,
    "canceled": FulfillmentStatus.CANCELLED,
    "cancelled": FulfillmentStatus.CANCELLED,
    "unfulfillable": FulfillmentStatus.UNFULFILLABLE,
}
MARKETPLACE_BY_NAME = {name.lower(): mid for mid, _, _, name, _, _ in MARKETPLACES}


def _amount(row: dict[str, str], column: str, where: str) -> Decimal:
    text = (row.get(column) or "").strip()
    try:
        return Decimal(text) if text else Decimal(0)
    except InvalidOperation as error:
        raise MalformedPayloadError(
            where, f"column {column!r} is not an amount: {text!r}"
        ) from error


def _moment(row: dict[str, str], column: str, where: str) -> datetime:
    text = (row.get(column) or "").strip()
    try:
        return Reader({"t": text}, where).moment("t", required=True)  # type: ignore[return-value]
    except MalformedPayloadError as error:
        raise MalformedPayloadError(where, f"column {column!r}: {error.problem}") from error


def _report_item(row: dict[str, str], index: int, order_id: str) -> OrderItem:
    where = f"order {order_id} item {index}"
    currency = (row.get("currency") or "").strip()
    try:
        quantity = int((row.get("quantity") or "0").strip())
    except ValueError as error:
        raise MalformedPayloadError(where, "column 'quantity' is not a number") from error

    def money(value: Decimal) -> AmountWithCurrency:
        return AmountWithCurrency(value, currency)

    item, ship, wrap = (
        _amount(row, c, where) for c in ("item-price", "shipping-price", "gift-wrap-price")
    )
    taxes = {
        k: _amount(row, c, where)
        for k, c in (
            ("ITEM", "item-tax"),
            ("SHIPPING", "shipping-tax"),
            ("GIFT_WRAP", "gift-wrap-tax"),
        )
    }
    discounts = {
        "ITEM": _amount(row, "item-promotion-discount", where),
        "SHIPPING": _amount(row, "ship-promotion-discount", where),
    }
    parts = [Breakdown("ITEM", money(item), {})]
    if ship:
        parts.append(Breakdown("SHIPPING", money(ship), {}))
    if wrap:
        parts.append(Breakdown("GIFT_WRAP", money(wrap), {}))
    if any(taxes.values()):
        details = {k: money(v) for k, v in taxes.items() if v}
        parts.append(Breakdown("TAX", money(sum(taxes.values(), Decimal(0))), details))
    if any(discounts.values()):
        # The report signs discounts either way depending on the marketplace: always negative.
        details = {k: money(-abs(v)) for k, v in discounts.items() if v}
        total = -sum((abs(v) for v in discounts.values()), Decimal(0))
        parts.append(Breakdown("DISCOUNT", money(total), details))
    return OrderItem(
        # The report has no order-item id; a stable stand-in keeps lines apart.
        order_item_id=f"{order_id}-{index + 1}",
        asin=(row.get("asin") or "").strip() or None,
        seller_sku=(row.get("sku") or "").strip() or None,
        title=(row.get("product-name") or "").strip() or None,
        quantity_ordered=quantity,
        quantity_shipped=None,
        unit_price=money((item / quantity).quantize(Decimal("0.01")))
        if quantity and currency
        else None,
        condition=None,
        proceeds_total=None,
        breakdowns=tuple(parts) if currency else (),
        promotion_ids=tuple(p for p in (row.get("promotion-ids") or "").split(",") if p.strip()),
    )


def orders_from_report(rows: Sequence[dict[str, str]]) -> tuple[list[Order], list[BadOrder]]:
    """Group the report's item rows into orders (no street address or buyer name: see docs)."""
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        grouped.setdefault((row.get("amazon-order-id") or "").strip(), []).append(row)
    orders, bad = [], []
    for order_id, items in grouped.items():
        try:
            orders.append(_report_order(order_id, items))
        except MalformedPayloadError as error:
            bad.append(BadOrder(order_id or "<no order id>", error.problem))
    return orders, bad


def _report_order(order_id: str, items: list[dict[str, str]]) -> Order:
    where = f"order {order_id}"
    if not order_id:
        raise MalformedPayloadError(where, "a row has no amazon-order-id")
    first = items[0]
    status = V0_STATUS.get((first.get("order-status") or "").strip().lower())
    if status is None:
        raise MalformedPayloadError(where, f"unknown order-status {first.get('order-status')!r}")
    lines = tuple(_report_item(row, i, order_id) for i, row in enumerate(items))
    currency = (first.get("currency") or "").strip()
    total = Decimal(0)
    for line in lines:
        total += sum((b.subtotal.amount for b in line.breakdowns), Decimal(0))
    business = (first.get("is-business-order") or "").strip().lower() == "true"
    return Order(
        order_id=order_id,
        seller_order_id=(first.get("merchant-order-id") or "").strip() or None,
        created=_moment(first, "purchase-date", where),
        last_updated=_moment(first, "last-updated-date", where),
        marketplace_id=MARKETPLACE_BY_NAME.get((first.get("sales-channel") or "").strip().lower()),
        sales_channel="AMAZON",
        status=status,
        fulfilled_by="AMAZON"
        if (first.get("fulfillment-channel") or "").strip().lower() in ("amazon", "afn")
        else "MERCHANT",
        service_level=(first.get("ship-service-level") or "").strip() or None,
        programs=("AMAZON_BUSINESS",) if business else (),
        grand_total=AmountWithCurrency(total, currency) if currency else None,
        buyer_name=None,
        buyer_email=None,
        buyer_company=None,
        purchase_order_number=(first.get("purchase-order-number") or "").strip() or None,
        address=DeliveryAddress(
            name=None,
            company_name=None,
            lines=(),
            city=(first.get("ship-city") or "").strip() or None,
            state_or_region=(first.get("ship-state") or "").strip() or None,
            postal_code=(first.get("ship-postal-code") or "").strip() or None,
            country_code=(first.get("ship-country") or "").strip() or None,
            phone=None,
            address_type=None,
        ),
        items=lines,
    )


async def report_window(
    client: SpApiClient,
    *,
    marketplace_ids: Sequence[str],
    after: datetime,
    before: datetime,
    sleep: Sleep | None = None,
) -> Fetched:
    """Every order last updated in [after, before] from one all-orders report (BX-2)."""
    wait = sleep or asyncio.sleep
    report_id = await create_report(
        client,
        report_type=ALL_ORDERS_BY_LAST_UPDATE,
        marketplace_ids=list(marketplace_ids),
        data_start=after,
        data_end=before,
    )
    waited = 0.0
    while True:
        report = await get_report(client, report_id)
        if report.status == "DONE":
            orders, bad = orders_from_report(await read_report(client, report))
            return Fetched(orders, bad, max(after, before - REPORT_LAG), route="report")
        if report.status == "CANCELLED":  # Amazon's "no data"
            return Fetched(updated_before=max(after, before - REPORT_LAG), route="report")
        if report.status == "FATAL":
            raise OrdersReportFailed(f"Amazon could not build the orders report {report_id}")
        if waited >= REPORT_MAX_WAIT_SECONDS:
            raise OrdersReportFailed(f"the orders report {report_id} was not ready after 4 hours")
        await wait(REPORT_POLL_SECONDS)
        waited += REPORT_POLL_SECONDS
