"""Orders API 2026-01-01: searchOrders and getOrder, with line items inline."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from skuport.domain.amazon.client import SpApiClient
from skuport.domain.amazon.errors import MalformedPayloadError
from skuport.domain.amazon.paging import Page, iterate_pages
from skuport.domain.amazon.parsing import AmountWithCurrency, Reader, iso

BASE = "/orders/2026-01-01/orders"


class FulfillmentStatus(StrEnum):
    """Where an order stands, in Orders 2026 words."""

    PENDING_AVAILABILITY = "PENDING_AVAILABILITY"
    PENDING = "PENDING"
    UNSHIPPED = "UNSHIPPED"
    PARTIALLY_SHIPPED = "PARTIALLY_SHIPPED"
    SHIPPED = "SHIPPED"
    CANCELLED = "CANCELLED"
    UNFULFILLABLE = "UNFULFILLABLE"


@dataclass(frozen=True)
class DeliveryAddress:
    """Where and to whom Amazon delivers an order (present when the app holds the restricted role).

    Amazon's shape, with recipient and phone; our own postal address is
    skuport.domain.inventory.reference.service.Address.
    """

    name: str | None
    company_name: str | None
    lines: tuple[str, ...]
    city: str | None
    state_or_region: str | None
    postal_code: str | None
    country_code: str | None
    phone: str | None
    address_type: str | None


@dataclass(frozen=True)
class Breakdown:
    """One proceeds component (ITEM, SHIPPING, GIFT_WRAP, TAX, DISCOUNT...) and its detail."""

    type: str
    subtotal: AmountWithCurrency
    details: dict[str, AmountWithCurrency]


@dataclass(frozen=True)
class OrderItem:
    """One order line."""

    order_item_id: str
    asin: str | None
    seller_sku: str | None
    title: str | None
    quantity_ordered: int
    quantity_shipped: int | None
    unit_price: AmountWithCurrency | None
    condition: str | None
    proceeds_total: AmountWithCurrency | None
    breakdowns: tuple[Breakdown, ...]
    promotion_ids: tuple[str, ...]
    gift_message: str | None = None
    gift_wrap_level: str | None = None

    def amount(self, kind: str, subtype: str | None = None) -> Decimal:
        """Sum of a proceeds breakdown type (or one of its subtypes); zero when absent."""
        total = Decimal(0)
        for part in self.breakdowns:
            if part.type != kind:
                continue
            if subtype is None:
                total += part.subtotal.amount
            elif subtype in part.details:
                total += part.details[subtype].amount
        return total


@dataclass(frozen=True)
class Order:
    """An Amazon order with its items."""

    order_id: str
    seller_order_id: str | None
    created: datetime
    last_updated: datetime
    marketplace_id: str | None
    sales_channel: str
    status: FulfillmentStatus | None
    fulfilled_by: str | None
    service_level: str | None
    programs: tuple[str, ...]
    grand_total: AmountWithCurrency | None
    buyer_name: str | None
    buyer_email: str | None
    buyer_company: str | None
    purchase_order_number: str | None
    address: DeliveryAddress | None
    items: tuple[OrderItem, ...]
    latest_ship: datetime | None = None
    latest_delivery: datetime | None = None

    @property
    def is_business(self) -> bool:
        """Placed through Amazon Business."""
        return "AMAZON_BUSINESS" in self.programs


async def search_orders(
    client: SpApiClient,
    *,
    marketplace_ids: Sequence[str],
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    last_updated_after: datetime | None = None,
    last_updated_before: datetime | None = None,
    fulfillment_statuses: Sequence[str] = (),
    fulfilled_by: Sequence[str] = (),
    included_data: Sequence[str] = (),
    max_results_per_page: int = 100,
    pagination_token: str | None = None,
) -> Page[Order]:
    """GET /orders/2026-01-01/orders: one page; resend every filter with the token."""
    if (created_after is None) == (last_updated_after is None):
        raise ValueError("give exactly one of created_after or last_updated_after")
    params = {
        "marketplaceIds": list(marketplace_ids),
        "createdAfter": iso(created_after) if created_after else None,
        "createdBefore": iso(created_before) if created_before else None,
        "lastUpdatedAfter": iso(last_updated_after) if last_updated_after else None,
        "lastUpdatedBefore": iso(last_updated_before) if last_updated_before else None,
        "fulfillmentStatuses": list(fulfillment_statuses),
        "fulfilledBy": list(fulfilled_by),
        "includedData": list(included_data),
        "maxResultsPerPage": max_results_per_page,
        "paginationToken": pagination_token,
    }
    response = await client.call("searchOrders", "GET", BASE, params=params)
    return parse_search_orders(response.body)


async def iter_orders(client: SpApiClient, **filters: object) -> AsyncIterator[Order]:
    """Every order matching `filters` (search_orders' keywords), across all pages."""

    async def fetch(token: str | None) -> Page[Order]:
        return await search_orders(client, pagination_token=token, **filters)  # type: ignore[arg-type]

    async for order in iterate_pages(fetch):
        yield order


async def get_order(
    client: SpApiClient, order_id: str, *, included_data: Sequence[str] = ()
) -> Order:
    """GET /orders/2026-01-01/orders/{orderId}."""
    response = await client.call(
        "getOrder",
        "GET",
        f"{BASE}/{order_id}",
        params={"includedData": list(included_data)},
    )
    body = Reader(response.body, f"getOrder {order_id}")
    return parse_order(body.req("order"))


def parse_search_orders(body: object) -> Page[Order]:
    """Parse a searchOrders body into a page of orders."""
    envelope = Reader(body, "searchOrders")
    orders = [parse_order(entry) for entry in envelope.array("orders", required=True)]
    pagination = envelope.obj("pagination")
    token = pagination.text("nextToken") if pagination else None
    extra = {
        key: envelope.moment(key)
        for key in ("lastUpdatedBefore", "createdBefore")
        if envelope.data.get(key)
    }
    return Page(orders, token, extra)  # type: ignore[arg-type]


def parse_order(data: object) -> Order:
    """Parse one Orders 2026 `Order`; a broken order raises an error naming it."""
    order_id = data.get("orderId") if isinstance(data, dict) else None
    row = Reader(data, f"order {order_id or '<no orderId>'}")
    row.text("orderId", required=True)
    channel = row.obj("salesChannel", required=True)
    fulfillment = row.obj("fulfillment")
    proceeds = row.obj("proceeds")
    buyer = row.obj("buyer")
    recipient = row.obj("recipient")
    aliases = [Reader(a, row.subject + ".orderAliases") for a in row.array("orderAliases")]
    status = fulfillment.text("fulfillmentStatus") if fulfillment else None
    try:
        status_enum = FulfillmentStatus(status) if status else None
    except ValueError as error:
        raise MalformedPayloadError(row.subject, f"unknown fulfillmentStatus {status!r}") from error
    items = tuple(
        _parse_item(entry, row.subject, index)
        for index, entry in enumerate(row.array("orderItems", required=True))
    )
    assert channel is not None
    return Order(
        order_id=order_id,  # type: ignore[arg-type]
        seller_order_id=next(
            (a.text("aliasId") for a in aliases if a.text("aliasType") == "SELLER_ORDER_ID"), None
        ),
        created=row.moment("createdTime", required=True),  # type: ignore[arg-type]
        last_updated=row.moment("lastUpdatedTime", required=True),  # type: ignore[arg-type]
        marketplace_id=channel.text("marketplaceId"),
        sales_channel=channel.text("channelName", required=True) or "",
        status=status_enum,
        fulfilled_by=fulfillment.text("fulfilledBy") if fulfillment else None,
        service_level=fulfillment.text("fulfillmentServiceLevel") if fulfillment else None,
        programs=tuple(row.array("programs")),
        grand_total=proceeds.money("grandTotal") if proceeds else None,
        buyer_name=buyer.text("buyerName") if buyer else None,
        buyer_email=buyer.text("buyerEmail") if buyer else None,
        buyer_company=buyer.text("buyerCompanyName") if buyer else None,
        purchase_order_number=buyer.text("buyerPurchaseOrderNumber") if buyer else None,
        address=_parse_address(recipient.obj("deliveryAddress")) if recipient else None,
        items=items,
        latest_ship=_window_end(fulfillment, "shipByWindow"),
        latest_delivery=_window_end(fulfillment, "deliverByWindow"),
    )


def _window_end(fulfillment: Reader | None, key: str) -> datetime | None:
    window = fulfillment.obj(key) if fulfillment else None
    return window.moment("latestDateTime") if window else None


def _parse_address(row: Reader | None) -> DeliveryAddress | None:
    if row is None:
        return None
    lines = tuple(
        line for key in ("addressLine1", "addressLine2", "addressLine3") if (line := row.text(key))
    )
    return DeliveryAddress(
        name=row.text("name"),
        company_name=row.text("companyName"),
        lines=lines,
        city=row.text("city"),
        state_or_region=row.text("stateOrRegion"),
        postal_code=row.text("postalCode"),
        country_code=row.text("countryCode"),
        phone=row.text("phone"),
        address_type=row.text("addressType"),
    )


def _parse_item(data: object, subject: str, index: int) -> OrderItem:
    row = Reader(data, f"{subject} item {index}")
    product = row.obj("product", required=True)
    assert product is not None
    price = product.obj("price")
    condition = product.obj("condition")
    proceeds = row.obj("proceeds")
    fulfillment = row.obj("fulfillment")
    promotion = row.obj("promotion")
    packing = fulfillment.obj("packing") if fulfillment else None
    gift = packing.obj("giftOption") if packing else None
    breakdowns = []
    for part_data in proceeds.array("breakdowns") if proceeds else []:
        part = Reader(part_data, row.subject + ".proceeds")
        details = {}
        for detail_data in part.array("detailedBreakdowns"):
            detail = Reader(detail_data, part.subject + ".detailedBreakdowns")
            details[detail.text("subtype", required=True) or ""] = detail.money(
                "value", required=True
            )
        breakdowns.append(
            Breakdown(
                part.text("type", required=True) or "",
                part.money("subtotal", required=True),
                details,
            )  # type: ignore[arg-type]
        )
    promotion_ids = tuple(
        pid
        for p in (promotion.array("breakdowns") if promotion else [])
        if (pid := Reader(p, row.subject).text("promotionId"))
    )
    return OrderItem(
        order_item_id=row.text("orderItemId", required=True) or "",
        asin=product.text("asin"),
        seller_sku=product.text("sellerSku"),
        title=product.text("title"),
        quantity_ordered=row.integer("quantityOrdered", required=True) or 0,
        quantity_shipped=fulfillment.integer("quantityFulfilled") if fulfillment else None,
        unit_price=price.money("unitPrice") if price else None,
        condition=condition.text("conditionType") if condition else None,
        proceeds_total=proceeds.money("proceedsTotal") if proceeds else None,
        breakdowns=tuple(breakdowns),
        promotion_ids=promotion_ids,
        gift_message=gift.text("giftMessage") if gift else None,
        gift_wrap_level=gift.text("giftWrapLevel") if gift else None,
    )
