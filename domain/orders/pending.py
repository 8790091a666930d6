"""OR-4, OR-6: an Amazon order as a pending order: its lines, charges, taxes, address and total."""

from __future__ import annotations

from decimal import Decimal

from skuport.domain.amazon.orders import Order, OrderItem
from skuport.domain.orders.capture_rules import CAPTURED_WHEN
from skuport.domain.orders.matching import Match
from skuport.domain.orders.models import (
    OrderChargeKind,
    OrderLogEntry,
    PendingOrder,
    PendingOrderCharge,
    PendingOrderLine,
)
from skuport.domain.orders.restricted import assumed_destination, destination_country
from skuport.domain.stores.marketplaces import EU_COUNTRIES
from skuport.domain.stores.models import LoadOrdersWhen, Region, Store


def reservation_reference(store_id: int, amazon_order_id: str) -> str:
    """The stock ledger's reference for a pending order's allocation."""
    return f"amazon:{store_id}:{amazon_order_id}"


def _money(item: OrderItem, kind: str, subtype: str | None = None) -> Decimal:
    return item.amount(kind, subtype)


def _currency(order: Order) -> str:
    if order.grand_total is not None:
        return order.grand_total.currency
    for item in order.items:
        for part in item.breakdowns:
            return part.subtotal.currency
    return ""


def _destination(order: Order) -> str:
    # Without a destination (no restricted role, or Amazon left it out), the marketplace's
    # country stands in for it; the order log says so (orders/restricted.py).
    return destination_country(order) or assumed_destination(order)


def _eu_rule(store: Store, order: Order, product_rule: int | None) -> int | None:
    """OR-6, EU: the product's rule inside the EU, else the store's rule for the destination."""
    destination = _destination(order)
    if destination in EU_COUNTRIES and product_rule is not None:
        return product_rule
    by_country = {r.country_code: r.tax_rule_id for r in store.settings.country_tax_rules}
    return by_country.get(destination) or store.settings.tax_free_rule_id


def _line(store: Store, order: Order, item: OrderItem, match: Match) -> PendingOrderLine:
    settings = store.settings
    quantity = Decimal(item.quantity_ordered)
    amount = _money(item, "ITEM")
    tax = (
        _money(item, "TAX", "ITEM") if any(b.type == "TAX" for b in item.breakdowns) else Decimal(0)
    )
    if store.region is Region.EU:
        rule = _eu_rule(store, order, match.default_tax_rule_id) or settings.line_tax_rule_id
        tax = Decimal(0)  # tax inclusive: our rule recalculates it when the sale is made
    else:
        rule = settings.line_tax_rule_id if tax else settings.tax_free_rule_id
    return PendingOrderLine(
        order_item_id=item.order_item_id,
        seller_sku=item.seller_sku or "",
        asin=item.asin or "",
        title=(item.title or item.seller_sku or item.asin or "Amazon item")[:500],
        product_id=match.product_id,
        quantity=quantity,
        unit_price=(amount / quantity).quantize(Decimal("0.0001")) if quantity else amount,
        line_total=amount,
        tax_amount=tax,
        tax_rule_id=rule,
    )


CHARGES = (
    (OrderChargeKind.SHIPPING, ("SHIPPING", None), ("TAX", "SHIPPING")),
    (OrderChargeKind.GIFT_WRAP, ("GIFT_WRAP", None), ("TAX", "GIFT_WRAP")),
    (OrderChargeKind.PROMOTION_DISCOUNT, ("DISCOUNT", "ITEM"), None),
    (OrderChargeKind.SHIPPING_DISCOUNT, ("DISCOUNT", "SHIPPING"), None),
)


def _charges(store: Store, order: Order) -> list[PendingOrderCharge]:
    """Order-level charges and discounts, summed over the lines, never spread back (OR-4)."""
    settings = store.settings
    charges = []
    for kind, (part, subtype), tax_part in CHARGES:
        amount = sum((_money(i, part, subtype) for i in order.items), Decimal(0))
        tax = (
            sum((_money(i, *tax_part) for i in order.items), Decimal(0)) if tax_part else Decimal(0)
        )
        if kind is OrderChargeKind.PROMOTION_DISCOUNT:
            # A discount without subtypes is a promotion on the items.
            bare = sum(
                (
                    b.subtotal.amount
                    for i in order.items
                    for b in i.breakdowns
                    if b.type == "DISCOUNT" and not b.details
                ),
                Decimal(0),
            )
            amount += bare
        if not amount:
            continue
        if store.region is Region.EU:
            # Europe: a charge follows the goods' VAT, i.e. the destination country's rule, as a
            # line without a product rule does; the store's charge rule is for NA (Amazon's tax).
            rule = _eu_rule(store, order, None) or settings.line_tax_rule_id
            tax = Decimal(0)
        else:
            rule = settings.charge_tax_rule_id if tax else settings.tax_free_rule_id
        charges.append(
            PendingOrderCharge(kind=kind, amount=amount, tax_amount=tax, tax_rule_id=rule)
        )
    return charges


def _address(order: Order) -> dict[str, str]:
    address = order.address
    if address is None:
        return {}
    lines = [*address.lines, "", "", ""]
    return {
        "name": address.name or "",
        "line1": lines[0],
        "line2": lines[1],
        "line3": lines[2],
        "city": address.city or "",
        "region": address.state_or_region or "",
        "postcode": address.postal_code or "",
        "country": address.country_code or "",
        "phone": address.phone or "",
    }


def pending_order(
    store: Store, order: Order, entry: OrderLogEntry, matches: list[Match], location_id: int
) -> PendingOrder:
    lines = [
        _line(store, order, item, match)
        for item, match in zip(order.items, matches, strict=True)
        if item.quantity_ordered > 0
    ]
    charges = _charges(store, order)
    total = order.grand_total.amount if order.grand_total else None
    if total is None:
        total = sum(
            (sum((b.subtotal.amount for b in i.breakdowns), Decimal(0)) for i in order.items),
            Decimal(0),
        )
    address = order.address
    return PendingOrder(
        store_id=store.id,
        log_entry_id=entry.id,
        marketplace_id=order.marketplace_id or "",
        amazon_order_id=order.order_id,
        fulfilment=entry.fulfilment,
        purchased_at=order.created,
        currency=_currency(order),
        buyer_name=order.buyer_name or "",
        billing_name=order.buyer_name or (address.name if address and address.name else ""),
        company_name=order.buyer_company
        or (address.company_name if address and address.company_name else ""),
        is_business=order.is_business,
        shipping_address=_address(order),
        location_id=location_id,
        reservation=reservation_reference(store.id, order.order_id),
        tax_inclusive=store.region is Region.EU,
        total=total,
        # PA-1: an order Amazon lets us capture has been paid (Pending is not yet).
        paid=order.status in CAPTURED_WHEN[LoadOrdersWhen.PAID],
        lines=lines,
        charges=charges,
    )
