"""Sandbox orders rendered in Orders 2026-01-01 shape, honouring `includedData`."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from skuport.sandbox.http import iso
from skuport.sandbox.state import BY_ID, Order, OrderLine, amount_text

SERVICE_LEVELS = {
    "Standard": "STANDARD",
    "Expedited": "EXPEDITED",
    "SecondDay": "SECOND_DAY",
    "NextDay": "NEXT_DAY",
    "Priority": "PRIORITY",
    "SameDay": "SAME_DAY",
    "Scheduled": "SCHEDULED",
    "FreeEconomy": "FREE_ECONOMY",
}


def money(amount: Decimal, currency: str) -> dict[str, str]:
    """Orders 2026 `Money` (string amount)."""
    return {"amount": amount_text(amount, currency), "currencyCode": currency}


def _item_breakdowns(line: OrderLine, currency: str) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = [
        {"type": "ITEM", "subtotal": money(line.unit_price * line.quantity, currency)}
    ]
    if line.shipping:
        parts.append({"type": "SHIPPING", "subtotal": money(line.shipping, currency)})
    if line.gift_wrap:
        parts.append({"type": "GIFT_WRAP", "subtotal": money(line.gift_wrap, currency)})
    taxes = [
        ("ITEM", line.item_tax),
        ("SHIPPING", line.shipping_tax),
        ("GIFT_WRAP", line.gift_wrap_tax),
    ]
    if any(value for _, value in taxes):
        parts.append(
            {
                "type": "TAX",
                "subtotal": money(sum((v for _, v in taxes), Decimal(0)), currency),
                "detailedBreakdowns": [
                    {"subtype": kind, "value": money(value, currency)}
                    for kind, value in taxes
                    if value
                ],
            }
        )
    discounts = [("ITEM", line.promotion_discount), ("SHIPPING", line.shipping_discount)]
    if any(value for _, value in discounts):
        parts.append(
            {
                "type": "DISCOUNT",
                "subtotal": money(-sum((v for _, v in discounts), Decimal(0)), currency),
                "detailedBreakdowns": [
                    {"subtype": kind, "value": money(-value, currency)}
                    for kind, value in discounts
                    if value
                ],
            }
        )
    return parts


def line_total(line: OrderLine) -> Decimal:
    """What the buyer pays for a line, taxes included, discounts deducted."""
    return (
        line.unit_price * line.quantity
        + line.shipping
        + line.gift_wrap
        + line.item_tax
        + line.shipping_tax
        + line.gift_wrap_tax
        - line.promotion_discount
        - line.shipping_discount
    )


def render_item(line: OrderLine, order: Order, included: set[str]) -> dict[str, Any]:
    """One `OrderItem`."""
    product: dict[str, Any] = {
        "asin": line.asin,
        "title": line.title,
        "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"},
        "price": {"unitPrice": money(line.unit_price, order.currency)},
    }
    if line.sku:
        product["sellerSku"] = line.sku
    item: dict[str, Any] = {
        "orderItemId": line.order_item_id,
        "quantityOrdered": line.quantity,
        "product": product,
    }
    priced = order.status not in ("PENDING", "PENDING_AVAILABILITY")
    if order.status == "PENDING":
        del product["price"]  # Amazon hides prices until the order leaves Pending
    if "PROCEEDS" in included and priced:
        item["proceeds"] = {
            "proceedsTotal": money(line_total(line), order.currency),
            "breakdowns": _item_breakdowns(line, order.currency),
        }
    if "PROMOTION" in included and line.promotion_ids:
        item["promotion"] = {"breakdowns": [{"promotionId": p} for p in line.promotion_ids]}
    if "FULFILLMENT" in included:
        item["fulfillment"] = {
            "quantityFulfilled": line.quantity_shipped,
            "quantityUnfulfilled": 0
            if order.status == "CANCELLED"
            else line.quantity - line.quantity_shipped,
        }
    if line.gift_wrap and "FULFILLMENT" in included:
        item["fulfillment"]["packing"] = {
            "giftOption": {"giftMessage": "Happy birthday!", "giftWrapLevel": "Classic"}
        }
    return item


def render_order(order: Order, included: set[str]) -> dict[str, Any]:
    """One Orders 2026 `Order`."""
    market = BY_ID[order.marketplace_id]
    body: dict[str, Any] = {
        "orderId": order.order_id,
        "createdTime": iso(order.created),
        "lastUpdatedTime": iso(order.last_updated),
        "programs": order.programs,
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": market.id,
            "marketplaceName": market.name,
        },
        "fulfillment": {
            "fulfillmentStatus": order.status,
            "fulfilledBy": order.fulfilled_by,
            "fulfillmentServiceLevel": SERVICE_LEVELS.get(order.service_level, "STANDARD"),
            "shipByWindow": {
                "earliestDateTime": iso(order.created),
                "latestDateTime": iso(order.created + timedelta(days=2)),
            },
            "deliverByWindow": {
                "earliestDateTime": iso(order.created + timedelta(days=3)),
                "latestDateTime": iso(order.created + timedelta(days=7)),
            },
        },
        "orderItems": [render_item(line, order, included) for line in order.lines],
    }
    if order.seller_order_id:
        body["orderAliases"] = [{"aliasId": order.seller_order_id, "aliasType": "SELLER_ORDER_ID"}]
    if "BUYER" in included:
        body["buyer"] = dict(order.buyer)
    shippable = order.status in ("UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED")
    if "RECIPIENT" in included and shippable:
        body["recipient"] = {"deliveryAddress": dict(order.address)}
    if "PROCEEDS" in included and order.status not in ("PENDING", "PENDING_AVAILABILITY"):
        total = sum((line_total(line) for line in order.lines), Decimal(0))
        body["proceeds"] = {"grandTotal": money(total, order.currency)}
    if "PACKAGES" in included and order.fulfilled_by == "MERCHANT" and order.packages:
        body["packages"] = order.packages
    if order.malformed:
        # A payload Amazon should never send: the client must reject it and name the order.
        body["orderItems"] = [{"orderItemId": "0", "quantityOrdered": "one"}]
    return body
