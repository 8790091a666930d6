"""PR-1 … PR-3, PA-1: pending orders become sale tasks through the back office's own code path."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.reference.models import PriceTier
from skuport.domain.inventory.reference.service import Address, create_customer, find_customer
from skuport.domain.inventory.sales.fulfilment import fulfil_sale
from skuport.domain.inventory.sales.invoicing import (
    find_invoice,
    get_invoice,
    invoice_sale,
    payment_due,
    record_payment,
)
from skuport.domain.inventory.sales.lines import ChargeLine, ProductLine, SaleLineInput, ServiceLine
from skuport.domain.inventory.sales.models import ChargeKind, InvoiceStatus, Sale, StageStatus
from skuport.domain.inventory.sales.service import create_sale
from skuport.domain.inventory.sales.stages import FulfilmentMode, Stage, stages_of
from skuport.domain.inventory.stock.reservations import release_reservation, reserved_stock
from skuport.domain.orders.business_day import business_days_label
from skuport.domain.orders.capture import OrderSkipped, SkipReason
from skuport.domain.orders.models import (
    LogState,
    OrderChargeKind,
    OrderFulfilment,
    OrderLogEntry,
    PendingOrder,
)
from skuport.domain.stores.models import Consolidation, SalesRepresentative, Store

SALE_CHARGE = {
    OrderChargeKind.SHIPPING: ChargeKind.SHIPPING,
    OrderChargeKind.GIFT_WRAP: ChargeKind.GIFT_WRAP,
    OrderChargeKind.PROMOTION_DISCOUNT: ChargeKind.DISCOUNT,
    OrderChargeKind.SHIPPING_DISCOUNT: ChargeKind.SHIPPING_DISCOUNT,
}
FBA_CARRIER = "Amazon FBA"
AUTO_SHIP_CARRIER = "Auto-ship"


def consolidated_prefix(amazon_order_id: str) -> str:
    """How a consolidated sale's lines name their Amazon order (OR-9 finds them by it)."""
    return f"[{amazon_order_id}] "


async def make_sales(
    session: AsyncSession, *, store: Store, pending: Sequence[PendingOrder], now: datetime
) -> list[Sale]:
    """PR-1/PR-2: one sale per order (NONE) or one per currency and location (DAILY)."""
    if not pending:
        return []
    if store.settings.consolidation is Consolidation.NONE:
        return [await _one_sale(session, store=store, orders=[p], now=now) for p in pending]
    groups: dict[tuple[str, int | None], list[PendingOrder]] = {}
    for order in sorted(pending, key=lambda p: (p.purchased_at, p.id)):
        groups.setdefault((order.currency, order.location_id), []).append(order)
    return [await _one_sale(session, store=store, orders=g, now=now) for g in groups.values()]


async def _one_sale(
    session: AsyncSession, *, store: Store, orders: list[PendingOrder], now: datetime
) -> Sale:
    settings = store.settings
    consolidated = settings.consolidation is Consolidation.DAILY
    first = orders[0]
    if first.location_id is None:
        raise OrderSkipped(SkipReason.NO_LOCATION, "the pending order has no stock location")
    for order in orders:
        if await reserved_stock(session, reference=order.reservation):
            # Reservation handed over to the sale: the net availability change is zero.
            await release_reservation(session, reference=order.reservation)
    lines: list[SaleLineInput] = []
    for order in orders:
        lines += order_lines(order, consolidated=consolidated)
    sale = await create_sale_for(session, store=store, orders=orders, lines=lines, now=now)
    fba = all(o.fulfilment is OrderFulfilment.FBA for o in orders)
    await fulfil_for_store(
        session, store=store, sale=sale, fba=fba, entry_ids=[o.log_entry_id for o in orders]
    )
    invoice = await invoice_sale(
        session, sale_id=sale.id, status=invoice_status_for(store), invoice_date=now
    )
    entries = {
        e.id: e
        for e in await session.scalars(
            select(OrderLogEntry).where(OrderLogEntry.id.in_([o.log_entry_id for o in orders]))
        )
    }
    for order in orders:
        entry = entries[order.log_entry_id]
        entry.state, entry.sale_id = LogState.PROCESSED, sale.id
        if pays_on_processing(store, order):
            await _pay(
                session,
                invoice_id=invoice.id,
                amount=order.total,
                store=store,
                entry=entry,
                now=now,
            )
        await session.delete(order)
    await session.flush()
    return sale


async def create_sale_for(
    session: AsyncSession,
    *,
    store: Store,
    orders: list[PendingOrder],
    lines: list[SaleLineInput],
    now: datetime,
) -> Sale:
    """PR-2/PR-3: the sale with the store's settings, for the Amazon or the configured customer."""
    tier = await marketplace_tier(session, store, orders[0].marketplace_id)
    if store.settings.consolidation is Consolidation.DAILY:
        if store.settings.customer_id is None:
            raise OrderSkipped(
                SkipReason.PROCESSING_FAILED, "daily consolidation needs a customer in the settings"
            )
        customer_id = store.settings.customer_id
    else:
        customer_id = await _customer(session, store, orders[0])
    return await create_sale(
        session,
        lines=lines,
        **sale_arguments(store, orders, customer_id=customer_id, tier=tier, now=now),
    )


async def marketplace_tier(
    session: AsyncSession, store: Store, marketplace_id: str
) -> PriceTier | None:
    """The price tier of the store's marketplace (ST-7), if it has one."""
    market = next((m for m in store.marketplaces if m.marketplace_id == marketplace_id), None)
    if market is None or market.price_tier_id is None:
        return None
    return await session.get(PriceTier, market.price_tier_id)


def sale_arguments(
    store: Store,
    orders: list[PendingOrder],
    *,
    customer_id: int,
    tier: PriceTier | None,
    now: datetime,
) -> dict[str, Any]:
    """`create_sale`'s arguments but the lines, by the store's sale settings (PR-2, PR-3)."""
    settings = store.settings
    first = orders[0]
    market = next((m for m in store.marketplaces if m.marketplace_id == first.marketplace_id), None)
    if settings.sales_representative is SalesRepresentative.SHOP_NAME or market is None:
        rep = store.shop_representative_name
    else:
        rep = market.marketplace.abbreviation
    if settings.consolidation is Consolidation.DAILY:
        billing, address = "", None
        day = business_days_label(
            (o.purchased_at for o in orders),
            consolidation_time=settings.consolidation_time,
            timezone=settings.timezone,
        )
        reference = f"Amazon {store.name} {day or now.date().isoformat()}"
    else:
        billing, reference = first.billing_name, first.amazon_order_id
        raw = first.shipping_address or {}
        address = Address(
            line1=", ".join(x for x in (raw.get("name", ""), raw.get("line1", "")) if x),
            line2=" ".join(x for x in (raw.get("line2", ""), raw.get("line3", "")) if x),
            city=raw.get("city", ""),
            region=raw.get("region", ""),
            postcode=raw.get("postcode", ""),
            country=raw.get("country", ""),
        )
    return {
        "customer_id": customer_id,
        "location_id": first.location_id,
        "price_tier_id": tier.id if tier is not None and tier.currency == first.currency else None,
        "currency": first.currency,
        "sales_rep": rep,
        "revenue_account_id": settings.revenue_account_id,
        "reference": reference[:200],
        "ordered_at": first.purchased_at,
        "billing_name": billing,
        "shipping_address": address,
    }


ANONYMOUS_CUSTOMER = "Amazon customer"


def customer_name(store: Store, order: PendingOrder) -> str | int:
    """PR-2: the company name, else the contact name — or the configured customer's id.

    Orders read from the report carry no buyer name: they go to the store's configured
    customer, else to one shared "Amazon customer" (never one customer per order).
    """
    name = (order.company_name or order.billing_name or order.buyer_name or "").strip()
    if not name and store.settings.customer_id is not None:
        return store.settings.customer_id
    return (name or ANONYMOUS_CUSTOMER)[:200]


async def _customer(session: AsyncSession, store: Store, order: PendingOrder) -> int:
    """PR-2: the order's customer, created the first time its name is seen."""
    name = customer_name(store, order)
    if isinstance(name, int):
        return name
    found = await find_customer(session, name=name)
    if found is not None:
        return found.id
    return await create_order_customer(session, name=name, order=order)


async def create_order_customer(session: AsyncSession, *, name: str, order: PendingOrder) -> int:
    """A new customer named `name`, with the order's shipping address."""
    raw = order.shipping_address or {}
    address = Address(
        line1=raw.get("line1", ""),
        line2=raw.get("line2", ""),
        city=raw.get("city", ""),
        region=raw.get("region", ""),
        postcode=raw.get("postcode", ""),
        country=raw.get("country", ""),
    )
    contact = order.billing_name if order.company_name else ""
    customer = await create_customer(
        session, name=name, contact_name=contact, shipping_address=address
    )
    return customer.id


def order_lines(order: PendingOrder, *, consolidated: bool) -> list[SaleLineInput]:
    """The order's lines with Amazon's figures (NA) or for our rule to recalculate (EU)."""
    prefix = consolidated_prefix(order.amazon_order_id) if consolidated else ""
    given = not order.tax_inclusive
    lines: list[SaleLineInput] = []
    for line in order.lines:
        tax = line.tax_amount if given else None
        description = (prefix + line.title)[:400]
        if line.product_id is not None:
            lines.append(
                ProductLine(
                    product_id=line.product_id,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    tax_rule_id=line.tax_rule_id,
                    tax_amount=tax,
                    description=description,
                )
            )
        else:
            lines.append(
                ServiceLine(
                    description=description,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    tax_rule_id=line.tax_rule_id,
                    tax_amount=tax,
                    sku=(line.seller_sku or line.asin)[:100],
                )
            )
    for charge in order.charges:
        lines.append(
            ChargeLine(
                kind=SALE_CHARGE[charge.kind],
                amount=charge.amount,
                tax_rule_id=charge.tax_rule_id,  # type: ignore[arg-type]
                tax_amount=charge.tax_amount if given else None,
                description=(prefix + charge.kind.replace("_", " ").capitalize())[:400],
            )
        )
    return lines


def invoice_status_for(store: Store) -> InvoiceStatus:
    """PR-3: the status of a new sale's invoice, by the store's setting."""
    return InvoiceStatus(store.settings.invoice_status.value)


def pays_on_processing(store: Store, order: PendingOrder) -> bool:
    """PA-1: whether Amazon's payment goes on the new invoice (a paid order, an account set)."""
    return order.paid and store.settings.payment_account_id is not None


def auto_shipped(mode: FulfilmentMode, *, shipped: bool) -> bool:
    """Whether processing shipped the sale itself (the mode ships and the ship went through):
    FU-1 never confirms such a shipment to Amazon."""
    return Stage.SHIP in stages_of(mode) and shipped


def fulfilment_for(store: Store, *, fba: bool) -> tuple[FulfilmentMode, str]:
    """How far a new sale is taken (PR-3), and the carrier its automatic shipment names."""
    if fba:
        return FulfilmentMode.PICK_PACK_SHIP, FBA_CARRIER
    return store.settings.fulfilment_mode, AUTO_SHIP_CARRIER


async def fulfil_for_store(
    session: AsyncSession, *, store: Store, sale: Sale, fba: bool, entry_ids: list[int]
) -> None:
    """PR-3: pick/pack/ship per the setting; Amazon already shipped FBA orders (OR-7)."""
    mode, carrier = fulfilment_for(store, fba=fba)
    if not stages_of(mode):
        return
    # IN-5: a pick short of stock stays DRAFT and stops there; the sale is still made.
    await fulfil_sale(session, sale_id=sale.id, mode=mode, carrier=carrier)
    if Stage.SHIP in stages_of(mode):
        await session.refresh(sale)
        if auto_shipped(mode, shipped=sale.ship_status is StageStatus.AUTHORISED):
            entries = await session.scalars(
                select(OrderLogEntry).where(OrderLogEntry.id.in_(entry_ids))
            )
            for entry in entries:
                entry.auto_shipped = True


async def _pay(
    session: AsyncSession,
    *,
    invoice_id: int,
    amount: Decimal,
    store: Store,
    entry: OrderLogEntry,
    now: datetime,
) -> None:
    """PA-1: Amazon's payment on the invoice, into the store's payment account."""
    invoice = await get_invoice(session, invoice_id=invoice_id)
    paid = payment_due(invoice.balance, up_to=amount)
    if paid is not None:
        await record_payment(
            session,
            invoice_id=invoice_id,
            amount=paid,
            account_id=store.settings.payment_account_id,  # type: ignore[arg-type]
            paid_at=now,
            reference=entry.amazon_order_id,
        )
    entry.payment_applied = True


async def apply_late_payment(
    session: AsyncSession, *, store: Store, entry: OrderLogEntry, amount: Decimal, now: datetime
) -> bool:
    """PA-1 for an order processed before a payment account was set; True when applied."""
    if entry.payment_applied or entry.sale_id is None or store.settings.payment_account_id is None:
        return False
    invoice = await find_invoice(session, sale_id=entry.sale_id)
    if invoice is None or invoice.status is InvoiceStatus.VOIDED:
        return False
    await _pay(session, invoice_id=invoice.id, amount=amount, store=store, entry=entry, now=now)
    return True
