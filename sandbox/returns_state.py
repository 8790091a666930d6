"""Refunds, customer returns and reimbursements staged on the sandbox Amazon.

A refund is a v0 `RefundEvent` (shipment-event shape with adjustment lists) in the seller's
open payout, with its 2024 transaction. A return is a row of the FBA or merchant-fulfilled
returns report, by the order's fulfilment channel; Amazon may later revise an FBA row's
disposition. A reimbursement is a v0 adjustment (FBA) or SAFE-T event with a 2024 transaction
that names the order and the SKU.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from skuport.sandbox.http import ApiError, iso
from skuport.sandbox.ledger import COMMISSION, cur, open_group, record
from skuport.sandbox.state import BY_ID, WHOLE_CURRENCIES, Order, OrderLine, SandboxState

DISPOSITIONS = frozenset(
    {
        "SELLABLE",
        "DAMAGED",
        "CUSTOMER_DAMAGED",
        "DEFECTIVE",
        "CARRIER_DAMAGED",
        "DISTRIBUTOR_DAMAGED",
        "EXPIRED",
    }
)
# Reimbursement kinds -> the v0 AdjustmentType Amazon books them as (SAFE-T has its own list).
REIMBURSEMENT_TYPES = {
    "FBA lost": "WAREHOUSE_LOST",
    "FBA damaged": "WAREHOUSE_DAMAGE",
    "FBA customer return": "REVERSAL_REIMBURSEMENT",
    "SAFE-T": "SAFET_REIMBURSEMENT",
}
UNREFUNDABLE = ("PENDING_AVAILABILITY", "PENDING", "CANCELLED")
REFUND_ADMIN_CAP = Decimal(5)


@dataclass
class CustomerReturn:
    """One returned order line, as the FBA or the merchant-fulfilled returns report shows it."""

    seller_id: str
    order_id: str
    marketplace_id: str
    fulfilled_by: str  # AMAZON (FBA report) or MERCHANT (flat-file returns report)
    sku: str
    asin: str
    title: str
    quantity: int
    disposition: str
    reason: str
    returned: datetime
    license_plate: str
    rma_id: str
    received: bool
    order_created: datetime
    revised: datetime | None = None


def refuse(message: str, status: int = 400) -> ApiError:
    """A control-API refusal."""
    return ApiError(status, "InvalidInput", message)


def _quantum(currency: str) -> Decimal:
    return Decimal(1) if currency in WHOLE_CURRENCIES else Decimal("0.01")


def order_line(order: Order, sku: Any) -> OrderLine:
    """The line of `order` selling `sku` (refused when the order has none)."""
    for line in order.lines:
        if line.sku and line.sku == sku:
            return line
    raise refuse(f"order {order.order_id} has no line with SKU {sku!r}")


def quantity_of(value: Any, most: int) -> int:
    """A quantity from 1 to `most`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise refuse(f"quantity must be a whole number from 1 to {most}")
    return value


def refunded_quantity(state: SandboxState, order_id: str, sku: str) -> int:
    """Units of `sku` of an order already refunded (every payout)."""
    return sum(
        int(item.get("QuantityShipped") or 0)
        for group in state.groups.values()
        for event in group.events.get("RefundEventList", [])
        if event.get("AmazonOrderId") == order_id
        for item in event.get("ShipmentItemAdjustmentList", [])
        if item.get("SellerSKU") == sku
    )


def _refund_item(
    state: SandboxState,
    order: Order,
    line: OrderLine,
    quantity: int,
    principal: Decimal | None,
    shipping: bool,
) -> dict[str, Any]:
    """A ShipmentItemAdjustment refunding `quantity` units of a line (and its shipping)."""
    q = _quantum(order.currency)
    full = line.unit_price * line.quantity
    principal = principal if principal is not None else line.unit_price * quantity
    tax = (line.item_tax * principal / full).quantize(q) if full else Decimal(0)
    charges = [("Principal", -principal), ("Tax", -tax)]
    if shipping:
        charges += [("ShippingCharge", -line.shipping), ("ShippingTax", -line.shipping_tax)]
    commission = (principal * COMMISSION).quantize(q)
    admin = min(REFUND_ADMIN_CAP, (commission * Decimal("0.2")).quantize(q))
    fees = [("Commission", commission), ("RefundCommission", -admin)]
    return {
        "SellerSKU": line.sku,
        "OrderItemId": line.order_item_id,
        "OrderAdjustmentItemId": state.next_id("ADJ-"),
        "QuantityShipped": quantity,
        "ItemChargeAdjustmentList": [
            {"ChargeType": kind, "ChargeAmount": cur(value, order.currency)}
            for kind, value in charges
            if value
        ],
        "ItemFeeAdjustmentList": [
            {"FeeType": kind, "FeeAmount": cur(value, order.currency)} for kind, value in fees
        ],
    }


def _refund_lines(
    state: SandboxState, order: Order, items: list[Any]
) -> list[tuple[OrderLine, int, Decimal | None]]:
    """What to refund: each asked line, its quantity and its amount (None: the unit price)."""
    if not items:
        return [
            (line, line.quantity - refunded_quantity(state, order.order_id, line.sku), None)
            for line in order.lines
            if line.sku and refunded_quantity(state, order.order_id, line.sku) < line.quantity
        ]
    asked = []
    for spec in items:
        if not isinstance(spec, dict):
            raise refuse("each item is an object with sku and quantity")
        line = order_line(order, spec.get("sku"))
        left = line.quantity - refunded_quantity(state, order.order_id, line.sku or "")
        if left <= 0:
            raise refuse(f"SKU {line.sku} of order {order.order_id} is already fully refunded")
        quantity = quantity_of(spec.get("quantity", left), left)
        money = None
        if spec.get("amount") is not None:
            money = Decimal(str(spec["amount"]))
            if not money.is_finite() or money <= 0:
                raise refuse("amount must be a positive amount")
            money = money.quantize(_quantum(order.currency))
        asked.append((line, quantity, money))
    return asked


def stage_refund(state: SandboxState, order: Order, body: dict[str, Any]) -> dict[str, Any]:
    """Book a refund of some (or, without items, every) line of an order; the RefundEvent."""
    if order.status in UNREFUNDABLE:
        raise refuse(f"order {order.order_id} was never charged ({order.status})")
    items = body.get("items") or []
    if not isinstance(items, list):
        raise refuse("items must be a list")
    lines = _refund_lines(state, order, items)
    if not lines:
        raise refuse(f"order {order.order_id} is already fully refunded")
    shipping = bool(body.get("shipping", not items))
    posted = state.clock.now()
    event: dict[str, Any] = {
        "AmazonOrderId": order.order_id,
        "MarketplaceName": BY_ID[order.marketplace_id].name,
        "PostedDate": iso(posted),
        "ShipmentItemAdjustmentList": [
            _refund_item(state, order, line, quantity, money, shipping)
            for line, quantity, money in lines
        ],
    }
    if order.seller_order_id:
        event["SellerOrderId"] = order.seller_order_id
    group = open_group(state, order.seller_id, order.currency)
    record(group, "RefundEventList", event, order.marketplace_id)
    return event


def stage_return(state: SandboxState, order: Order, body: dict[str, Any]) -> CustomerReturn:
    """A customer return of one line of an order, on the report of its fulfilment channel."""
    line = order_line(order, body.get("sku"))
    quantity = quantity_of(body.get("quantity", 1), line.quantity)
    disposition = str(body.get("disposition") or "SELLABLE")
    if disposition not in DISPOSITIONS:
        raise refuse(f"disposition must be one of {', '.join(sorted(DISPOSITIONS))}")
    serial = state.next_id()
    row = CustomerReturn(
        seller_id=order.seller_id,
        order_id=order.order_id,
        marketplace_id=order.marketplace_id,
        fulfilled_by=order.fulfilled_by,
        sku=line.sku or "",
        asin=line.asin,
        title=line.title,
        quantity=quantity,
        disposition=disposition,
        reason=str(body.get("reason") or "CUSTOMER_CHANGED_MIND"),
        returned=state.clock.now(),
        license_plate=f"LPN{serial}",
        rma_id=f"D{serial}RMA",
        received=bool(body.get("received", False)),
        order_created=order.created,
    )
    state.returns.append(row)
    return row


def revise_return(state: SandboxState, body: dict[str, Any]) -> CustomerReturn:
    """Amazon revises the disposition of the latest FBA return of an order's SKU."""
    disposition = str(body.get("disposition") or "")
    if disposition not in DISPOSITIONS:
        raise refuse(f"disposition must be one of {', '.join(sorted(DISPOSITIONS))}")
    for row in reversed(state.returns):
        if row.order_id == body.get("orderId") and row.sku == body.get("sku"):
            if row.fulfilled_by != "AMAZON":
                raise refuse("only FBA returns have a disposition Amazon revises")
            row.disposition = disposition
            row.revised = state.clock.now()
            return row
    raise refuse("no return of that order and SKU", 404)


def _reimbursement_transaction(
    state: SandboxState, group_id: str, kind: str, event: dict[str, Any], detail: dict[str, Any]
) -> dict[str, Any]:
    """The 2024 transaction of a reimbursement, naming its order (if any) and SKU."""
    money = {"currencyCode": detail["currency"], "currencyAmount": float(detail["amount"])}
    related = [
        {"relatedIdentifierName": "FINANCIAL_EVENT_GROUP_ID", "relatedIdentifierValue": group_id}
    ]
    if detail["order_id"]:
        related.append(
            {"relatedIdentifierName": "ORDER_ID", "relatedIdentifierValue": detail["order_id"]}
        )
    product = {
        "contextType": "ProductContext",
        "sku": detail["sku"],
        "quantityShipped": detail["quantity"],
    }
    if detail.get("asin"):
        product["asin"] = detail["asin"]
    transaction: dict[str, Any] = {
        "transactionId": state.next_id("RMB-"),
        "transactionType": "SAFETReimbursement" if kind == "SAFE-T" else "Adjustment",
        "transactionStatus": "RELEASED",
        "description": REIMBURSEMENT_TYPES[kind],
        "postedDate": event["PostedDate"],
        "relatedIdentifiers": related,
        "totalAmount": money,
        "breakdowns": [{"breakdownType": REIMBURSEMENT_TYPES[kind], "breakdownAmount": money}],
        "items": [
            {
                "description": detail["title"],
                "totalAmount": money,
                "contexts": [product],
            }
        ],
    }
    if detail["marketplace_id"]:
        market = BY_ID[detail["marketplace_id"]]
        transaction["marketplaceDetails"] = {
            "marketplaceId": market.id,
            "marketplaceName": market.name,
        }
    return transaction


def book_reimbursement(state: SandboxState, detail: dict[str, Any]) -> dict[str, Any]:
    """Book a reimbursement in the seller's open payout (v0 event and 2024 transaction)."""
    kind = detail["kind"]
    currency = detail["currency"]
    posted = iso(state.clock.now())
    if kind == "SAFE-T":
        list_name = "SAFETReimbursementEventList"
        event: dict[str, Any] = {
            "PostedDate": posted,
            "SAFETClaimId": state.next_id("SAFET-"),
            "ReimbursedAmount": cur(detail["amount"], currency),
            "ReasonCode": "Damaged item",
            "SAFETReimbursementItemList": [
                {
                    "itemChargeList": [
                        {"ChargeType": "Principal", "ChargeAmount": cur(detail["amount"], currency)}
                    ],
                    "productDescription": detail["title"],
                    "quantity": str(detail["quantity"]),
                }
            ],
        }
    else:
        list_name = "AdjustmentEventList"
        unit = (detail["amount"] / detail["quantity"]).quantize(_quantum(currency))
        event = {
            "AdjustmentType": REIMBURSEMENT_TYPES[kind],
            "PostedDate": posted,
            "AdjustmentAmount": cur(detail["amount"], currency),
            "AdjustmentItemList": [
                {
                    "Quantity": str(detail["quantity"]),
                    "PerUnitAmount": cur(unit, currency),
                    "TotalAmount": cur(detail["amount"], currency),
                    "SellerSKU": detail["sku"],
                    "ProductDescription": detail["title"],
                    "ASIN": detail.get("asin") or "",
                }
            ],
        }
    group = open_group(state, detail["seller_id"], currency)
    group.events.setdefault(list_name, []).append(event)
    group.total += detail["amount"]
    transaction = _reimbursement_transaction(state, group.group_id, kind, event, detail)
    group.transactions.append(transaction)
    return transaction
