"""Payouts: v0 financial event groups and events, and 2024 transactions, consistent with orders."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from skuport.sandbox.http import iso
from skuport.sandbox.state import BY_ID, EventGroup, Order, OrderLine, SandboxState, Seller

CENT = Decimal("0.01")
COMMISSION = Decimal("0.15")
FBA_FEE = Decimal("3.22")


def cur(amount: Decimal, currency: str) -> dict[str, Any]:
    """v0 `Currency` (JSON number amount)."""
    return {"CurrencyCode": currency, "CurrencyAmount": float(amount)}


def _charges(line: OrderLine, currency: str, sign: int) -> list[tuple[str, Decimal]]:
    pairs = [
        ("Principal", line.unit_price * line.quantity),
        ("Tax", line.item_tax),
        ("ShippingCharge", line.shipping),
        ("ShippingTax", line.shipping_tax),
        ("GiftWrap", line.gift_wrap),
        ("GiftWrapTax", line.gift_wrap_tax),
    ]
    return [(kind, sign * amount) for kind, amount in pairs if amount]


def shipment_event(order: Order, posted: datetime, *, refund: bool = False) -> dict[str, Any]:
    """A ShipmentEvent (or a RefundEvent of the first line) for an order."""
    sign = -1 if refund else 1
    lines = order.lines[:1] if refund else order.lines
    items = []
    for line in lines:
        charges = _charges(line, order.currency, sign)
        fees = [
            ("Commission", -sign * (line.unit_price * line.quantity * COMMISSION).quantize(CENT))
        ]
        if order.fulfilled_by == "AMAZON" and not refund:
            fees.append(("FBAPerUnitFulfillmentFee", -FBA_FEE * line.quantity))
        promotions = []
        if line.promotion_discount:
            promotions.append(("PromotionMetaDataDefinitionValue", -sign * line.promotion_discount))
        if line.shipping_discount:
            promotions.append(("ShippingDiscount", -sign * line.shipping_discount))
        charge_key = "ItemChargeAdjustmentList" if refund else "ItemChargeList"
        fee_key = "ItemFeeAdjustmentList" if refund else "ItemFeeList"
        promo_key = "PromotionAdjustmentList" if refund else "PromotionList"
        item: dict[str, Any] = {
            "OrderItemId": line.order_item_id,
            "QuantityShipped": line.quantity,
            charge_key: [
                {"ChargeType": k, "ChargeAmount": cur(v, order.currency)} for k, v in charges
            ],
            fee_key: [{"FeeType": k, "FeeAmount": cur(v, order.currency)} for k, v in fees],
        }
        if line.sku:
            item["SellerSKU"] = line.sku
        if promotions:
            item[promo_key] = [
                {
                    "PromotionType": k,
                    "PromotionId": (line.promotion_ids or ["PROMO"])[0],
                    "PromotionAmount": cur(v, order.currency),
                }
                for k, v in promotions
            ]
        if refund:
            item["OrderAdjustmentItemId"] = "A" + line.order_item_id
        items.append(item)
    event: dict[str, Any] = {
        "AmazonOrderId": order.order_id,
        "MarketplaceName": BY_ID[order.marketplace_id].name,
        "PostedDate": iso(posted),
        "ShipmentItemAdjustmentList" if refund else "ShipmentItemList": items,
    }
    if order.seller_order_id:
        event["SellerOrderId"] = order.seller_order_id
    return event


def event_total(event: dict[str, Any]) -> Decimal:
    """Sum of every money amount inside an event."""
    total = Decimal(0)

    def walk(node: Any) -> None:
        nonlocal total
        if isinstance(node, dict):
            if "CurrencyAmount" in node:
                total += Decimal(str(node["CurrencyAmount"]))
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(event)
    return total


def _transaction(
    group: EventGroup, event: dict[str, Any], kind: str, marketplace_id: str | None
) -> dict[str, Any]:
    total = event_total(event)
    related = [
        {
            "relatedIdentifierName": "FINANCIAL_EVENT_GROUP_ID",
            "relatedIdentifierValue": group.group_id,
        }
    ]
    if event.get("AmazonOrderId"):
        related.append(
            {"relatedIdentifierName": "ORDER_ID", "relatedIdentifierValue": event["AmazonOrderId"]}
        )
    transaction: dict[str, Any] = {
        "transactionId": f"T-{group.group_id}-{len(group.transactions) + 1:05d}",
        "transactionType": kind,
        "transactionStatus": "RELEASED",
        "description": kind,
        "postedDate": event.get("PostedDate") or iso(group.end or group.start),
        "relatedIdentifiers": related,
        "totalAmount": {"currencyCode": group.currency, "currencyAmount": float(total)},
        "breakdowns": [
            {
                "breakdownType": kind,
                "breakdownAmount": {"currencyCode": group.currency, "currencyAmount": float(total)},
            }
        ],
    }
    if marketplace_id:
        market = BY_ID[marketplace_id]
        transaction["marketplaceDetails"] = {
            "marketplaceId": market.id,
            "marketplaceName": market.name,
        }
    return transaction


def record(
    group: EventGroup, list_name: str, event: dict[str, Any], marketplace_id: str | None
) -> None:
    """Add an event to a payout, with its 2024 transaction, and keep the total consistent."""
    group.events.setdefault(list_name, []).append(event)
    group.total += event_total(event)
    kind = {"ShipmentEventList": "Shipment", "RefundEventList": "Refund"}.get(
        list_name, "ServiceFee"
    )
    group.transactions.append(_transaction(group, event, kind, marketplace_id))


def open_group(state: SandboxState, seller_id: str, currency: str) -> EventGroup:
    """The seller's open payout in `currency` (created if missing)."""
    for group in state.groups.values():
        if group.seller_id == seller_id and group.currency == currency and not group.closed:
            return group
    group = EventGroup(
        group_id=state.next_id("FEG-"),
        seller_id=seller_id,
        currency=currency,
        start=state.clock.now(),
        end=None,
        closed=False,
        beginning_balance=Decimal(0),
    )
    state.groups[group.group_id] = group
    return group


def book_shipment(state: SandboxState, order: Order) -> None:
    """Book a shipped order's ShipmentEvent in its seller's open payout (posted at last update)."""
    group = open_group(state, order.seller_id, order.currency)
    record(
        group, "ShipmentEventList", shipment_event(order, order.last_updated), order.marketplace_id
    )


def build_payouts(state: SandboxState, seller: Seller) -> None:
    """Two closed 14-day payouts and an open one per currency, from the seller's shipped orders."""
    now = state.clock.now()
    bounds = [now - timedelta(days=30), now - timedelta(days=16), now - timedelta(days=2)]
    currencies = sorted({BY_ID[m].currency for m in seller.marketplace_ids})
    for currency in currencies:
        groups = []
        balance = Decimal(0)
        for index, start in enumerate(bounds):
            closed = index < 2
            group = EventGroup(
                group_id=state.next_id("FEG-"),
                seller_id=seller.seller_id,
                currency=currency,
                start=start,
                end=bounds[index + 1] if closed else None,
                closed=closed,
                beginning_balance=balance,
            )
            state.groups[group.group_id] = group
            groups.append(group)
        orders = [
            o
            for o in state.seller_orders(seller.seller_id)
            if o.currency == currency and o.status in ("SHIPPED", "PARTIALLY_SHIPPED")
        ]
        refunds = 0
        for order in orders:
            posted = order.last_updated
            group = next((g for g in groups if g.end is None or posted < g.end), groups[-1])
            record(group, "ShipmentEventList", shipment_event(order, posted), order.marketplace_id)
            if order.status == "SHIPPED" and refunds % 3 == 0:
                refund = shipment_event(order, posted + timedelta(hours=1), refund=True)
                record(group, "RefundEventList", refund, order.marketplace_id)
            refunds += order.status == "SHIPPED"
        for group in groups:
            fee = {
                "FeeReason": "Subscription",
                "FeeDescription": "Professional selling plan",
                "FeeList": [
                    {"FeeType": "Subscription", "FeeAmount": cur(Decimal("-39.99"), currency)}
                ],
            }
            record(group, "ServiceFeeEventList", fee, None)
            if group.closed:
                balance = Decimal(0)
            group.total = group.total.quantize(CENT)
