"""OR-2 … OR-7: an Amazon order becomes a pending order with its stock allocated, or a skip."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon.catalog_items import CatalogItem
from skuport.domain.amazon.orders import FulfillmentStatus, Order, OrderItem
from skuport.domain.inventory.products.models import Product
from skuport.domain.inventory.stock.reservations import reserve_stock
from skuport.domain.inventory.stock.service import list_locations, stock_figures
from skuport.domain.listings.facts import facts_of
from skuport.domain.listings.linking import create_from_entry
from skuport.domain.listings.models import CatalogEntry, LinkSource
from skuport.domain.orders.models import (
    ChargeKind,
    LogState,
    OrderFulfilment,
    OrderLogEntry,
    PendingOrder,
    PendingOrderCharge,
    PendingOrderLine,
)
from skuport.domain.stock_sync.holds import release_uncaptured
from skuport.domain.stores.marketplaces import EU_COUNTRIES
from skuport.domain.stores.models import LoadOrdersWhen, MatchProducts, Region, Store, StoreSettings
from skuport.domain.stores.settings import tax_mapping_gaps

CAPTURED_WHEN = {
    LoadOrdersWhen.PAID: frozenset(
        {
            FulfillmentStatus.UNSHIPPED,
            FulfillmentStatus.PARTIALLY_SHIPPED,
            FulfillmentStatus.SHIPPED,
        }
    ),
    LoadOrdersWhen.SHIPPED: frozenset({FulfillmentStatus.SHIPPED}),
}
# Seen on Amazon, stock consumed, but never captured in this state (OR-2).
NOT_YET = frozenset({FulfillmentStatus.PENDING, FulfillmentStatus.PENDING_AVAILABILITY})


class SkipReason(enum.StrEnum):
    """Why an order was not captured or processed (OR-8); the codes are stable for the API."""

    ALREADY_CAPTURED = "already_captured"
    TAX_MAPPING_INCOMPLETE = "tax_mapping_incomplete"
    UNMAPPED_PRODUCT = "unmapped_product"
    BAD_DATA = "bad_data"
    FBA_NOT_PROCESSED = "fba_not_processed"
    NO_LOCATION = "no_location"
    MARKETPLACE_DISABLED = "marketplace_disabled"
    UNFULFILLABLE = "unfulfillable"
    PROCESSING_FAILED = "processing_failed"
    CANCELLED_AFTER_PAYMENT = "cancelled_after_payment"
    UNEXPECTED_ERROR = "unexpected_error"


# Skips that are a setting doing its job, not a problem: no attention item, no notification.
QUIET = frozenset({SkipReason.ALREADY_CAPTURED, SkipReason.FBA_NOT_PROCESSED})


class OrderSkipped(Exception):
    """The order is not captured; `reason` and `detail` say why."""

    def __init__(self, reason: SkipReason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def reservation_reference(store_id: int, amazon_order_id: str) -> str:
    """The stock ledger's reference for a pending order's allocation."""
    return f"amazon:{store_id}:{amazon_order_id}"


@dataclass(frozen=True)
class Match:
    """The product a line sells, or None for a service line (OR-5)."""

    product_id: int | None
    default_tax_rule_id: int | None = None


async def capture_order(
    session: AsyncSession,
    *,
    store: Store,
    order: Order,
    now: datetime,
    fetched: Mapping[str, CatalogItem | None] | None = None,
    reserve: bool = True,
) -> PendingOrder:
    """Save the order as a pending order and allocate its stock; raise OrderSkipped if not.

    `reserve=False` leaves the allocation to the sale made in the same transaction (PR-1,
    NONE); should that fail, `reserve_pending` allocates for the pending order after all.
    """
    settings = store.settings
    entry = await _claim(session, store=store, order=order, now=now)
    check_order(store, order)
    fba = fulfilled_by_amazon(store, order)
    matches = await match_lines(session, store=store, order=order, fetched=fetched or {})
    product_ids = [m.product_id for m in matches if m.product_id is not None]
    location_id = await _location(session, settings, fba=fba, product_ids=product_ids)
    pending = pending_order(store, order, entry, matches, location_id)
    session.add(pending)
    await session.flush()
    if reserve:
        await reserve_pending(session, pending=pending)
    await release_uncaptured(session, store_id=store.id, amazon_order_id=order.order_id)
    return pending


async def reserve_pending(session: AsyncSession, *, pending: PendingOrder) -> None:
    """OR-4: allocate the pending order's products at its location, under its reference."""
    items = [(line.product_id, line.quantity) for line in pending.lines if line.product_id]
    if items and pending.location_id is not None:
        await reserve_stock(
            session, reference=pending.reservation, location_id=pending.location_id, items=items
        )


async def _claim(
    session: AsyncSession, *, store: Store, order: Order, now: datetime
) -> OrderLogEntry:
    """OR-3: the log entry first — its unique key makes a second capture fail right here."""
    entry = log_entry(store, order, now)
    try:
        async with session.begin_nested():
            session.add(entry)
    except IntegrityError:
        raise OrderSkipped(SkipReason.ALREADY_CAPTURED, "the order has a log entry") from None
    return entry


def log_entry(store: Store, order: Order, now: datetime) -> OrderLogEntry:
    """The order's log entry as captured now (state PENDING), not yet saved."""
    return OrderLogEntry(
        store_id=store.id,
        marketplace_id=order.marketplace_id or "",
        amazon_order_id=order.order_id,
        amazon_status=order.status.value if order.status else "",
        fulfilment=OrderFulfilment.FBA if order.fulfilled_by == "AMAZON" else OrderFulfilment.FBM,
        purchased_at=order.created,
        amazon_updated_at=order.last_updated,
        captured_at=now,
        state=LogState.PENDING,
    )


def check_order(store: Store, order: Order) -> None:
    enabled = {m.marketplace_id for m in store.marketplaces if m.enabled}
    if order.marketplace_id not in enabled:
        raise OrderSkipped(
            SkipReason.MARKETPLACE_DISABLED, f"marketplace {order.marketplace_id} is not used"
        )
    gaps = tax_mapping_gaps(store)
    if gaps:
        raise OrderSkipped(SkipReason.TAX_MAPPING_INCOMPLETE, "missing: " + ", ".join(gaps))
    if not order.items:
        raise OrderSkipped(SkipReason.BAD_DATA, "the order has no lines")
    for index, item in enumerate(order.items):
        if item.quantity_ordered < 0:
            raise OrderSkipped(SkipReason.BAD_DATA, f"line {index + 1} has a negative quantity")
        if item.quantity_ordered and not any(b.type == "ITEM" for b in item.breakdowns):
            raise OrderSkipped(SkipReason.BAD_DATA, f"line {index + 1} has no price")


class NeedsAmazon(Exception):
    """OR-5's third step: only Amazon can tell what the line's product is."""


@dataclass
class LineMatcher:
    """OR-5's rules for the lines of some orders: by link, then by SKU, then fetched from
    Amazon, else a service line. Loading reads what the orders' SKUs match in two queries;
    matching a line is then a look-up (`__call__`)."""

    store: Store
    listings: dict[tuple[str, str], int | None]
    by_sku: dict[str, tuple[int, int | None]]
    rules: dict[int, int | None]

    @classmethod
    async def load(
        cls, session: AsyncSession, store: Store, orders: Sequence[Order]
    ) -> LineMatcher:
        skus = {(i.seller_sku or "").strip() for o in orders for i in o.items} - {""}
        listings = {
            (marketplace, sku): product_id
            for marketplace, sku, product_id in await session.execute(
                select(
                    CatalogEntry.marketplace_id, CatalogEntry.seller_sku, CatalogEntry.product_id
                ).where(CatalogEntry.store_id == store.id, CatalogEntry.seller_sku.in_(skus))
            )
        }
        linked = {p for p in listings.values() if p is not None}
        lowered = {sku.lower() for sku in skus}
        wanted = Product.id.in_(linked)
        if store.settings.match_products is not MatchProducts.MANUAL:
            wanted = wanted | func.lower(Product.sku).in_(lowered)
        found = list(
            await session.execute(
                select(Product.id, Product.sku, Product.default_tax_rule_id).where(wanted)
            )
        )
        return cls(
            store,
            listings,
            {sku.lower(): (pid, rule) for pid, sku, rule in found if sku.lower() in lowered},
            {pid: rule for pid, _, rule in found},
        )

    def __call__(self, order: Order, item: OrderItem) -> Match:
        """The line's match; OrderSkipped for a MANUAL store's unlinked listing, NeedsAmazon
        when the product is to be fetched and created."""
        settings = self.store.settings
        sku = (item.seller_sku or "").strip()
        if not sku:
            return Match(None)  # Amazon no longer knows the SKU: a service line
        key = (order.marketplace_id or "", sku)
        product_id = self.listings.get(key)
        if product_id is not None:
            return Match(product_id, self.rules.get(product_id))
        if settings.match_products is MatchProducts.MANUAL:
            if key in self.listings:
                raise OrderSkipped(
                    SkipReason.UNMAPPED_PRODUCT, f"the listing {sku} is not linked to a product"
                )
            return Match(None)
        found = self.by_sku.get(sku.lower())
        if found is not None:
            return Match(*found)
        if settings.create_product_if_not_found and item.asin:
            raise NeedsAmazon(sku)
        return Match(None)

    def learn(self, order: Order, sku: str, product: Product) -> None:
        """A product made for a line: later lines with its SKU match it."""
        self.by_sku[sku.lower()] = (product.id, product.default_tax_rule_id)
        self.rules[product.id] = product.default_tax_rule_id
        if (order.marketplace_id or "", sku) in self.listings:
            self.listings[(order.marketplace_id or "", sku)] = product.id


async def match_lines(
    session: AsyncSession,
    *,
    store: Store,
    order: Order,
    fetched: Mapping[str, CatalogItem | None],
) -> list[Match]:
    """OR-5 for every line of one order; products Amazon told us about are created."""
    matcher = await LineMatcher.load(session, store, [order])
    matches = []
    for item in order.items:
        try:
            matches.append(matcher(order, item))
        except NeedsAmazon:
            matches.append(await _from_amazon(session, store, order, item, fetched, matcher))
    return matches


async def _from_amazon(
    session: AsyncSession,
    store: Store,
    order: Order,
    item: OrderItem,
    fetched: Mapping[str, CatalogItem | None],
    matcher: LineMatcher,
) -> Match:
    sku = (item.seller_sku or "").strip()
    details = fetched.get(sku)
    if details is None:
        return Match(None)  # gone from Amazon too: a service line
    entry = await session.scalar(
        select(CatalogEntry).where(
            CatalogEntry.store_id == store.id,
            CatalogEntry.marketplace_id == (order.marketplace_id or ""),
            CatalogEntry.seller_sku == sku,
        )
    )
    facts = facts_of(details, seller_sku=sku, asin=item.asin or "", title=item.title or sku)
    stand_in = entry or CatalogEntry(asin=item.asin or "", option_values=[])
    product = await create_from_entry(
        session, entry=stand_in, facts=facts, tax_rule_id=store.settings.line_tax_rule_id
    )
    if entry is not None:
        entry.product_id, entry.link_source = product.id, LinkSource.CREATED
    matcher.learn(order, sku, product)
    return Match(product.id, product.default_tax_rule_id)


async def needs_fetching(
    session: AsyncSession, *, store: Store, orders: Sequence[Order]
) -> dict[str, tuple[Order, list[OrderItem]]]:
    """Per order, the lines whose product only Amazon can tell us about (OR-5's third step),
    by the same rules as the capture (`LineMatcher`), for all orders at once."""
    settings = store.settings
    if settings.match_products is MatchProducts.MANUAL or not settings.create_product_if_not_found:
        return {}
    matcher = await LineMatcher.load(session, store, orders)
    wanted: dict[str, tuple[Order, list[OrderItem]]] = {}
    for order in orders:
        items = []
        for item in order.items:
            try:
                matcher(order, item)
            except NeedsAmazon:
                items.append(item)
        if items:
            wanted[order.order_id] = (order, items)
    return wanted


def fulfilled_by_amazon(store: Store, order: Order) -> bool:
    """OR-7: whether the order is FBA; OrderSkipped when the store does not process those."""
    fba = order.fulfilled_by == "AMAZON"
    if fba and not store.settings.process_fba_orders:
        raise OrderSkipped(SkipReason.FBA_NOT_PROCESSED, "the store's settings skip FBA orders")
    return fba


def set_location(settings: StoreSettings, *, fba: bool) -> int | None:
    """OR-4/OR-7: the location the settings name; None for "all locations" (chosen per order)."""
    if fba:
        if settings.fba_location_id is None:
            raise OrderSkipped(SkipReason.NO_LOCATION, "no FBA location is set")
        return settings.fba_location_id
    return settings.fbm_location_id


async def _location(
    session: AsyncSession, settings: StoreSettings, *, fba: bool, product_ids: list[int]
) -> int:
    """OR-4/OR-7: the FBA location, the FBM location, or with "all locations" the best one."""
    named = set_location(settings, fba=fba)
    if named is not None:
        return named
    locations = await list_locations(session)
    if not locations:
        raise OrderSkipped(SkipReason.NO_LOCATION, "there is no stock location")
    # "All locations": allocate where most of the order's products are available.
    available = {location.id: Decimal(0) for location in locations}
    for product_id in set(product_ids):
        for figure in await stock_figures(session, product_id=product_id):
            if figure.location_id in available:
                available[figure.location_id] += max(figure.available, Decimal(0))
    return max(sorted(available), key=lambda location_id: available[location_id])


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
    return (order.address.country_code or "").upper() if order.address else ""


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
    (ChargeKind.SHIPPING, ("SHIPPING", None), ("TAX", "SHIPPING")),
    (ChargeKind.GIFT_WRAP, ("GIFT_WRAP", None), ("TAX", "GIFT_WRAP")),
    (ChargeKind.PROMOTION_DISCOUNT, ("DISCOUNT", "ITEM"), None),
    (ChargeKind.SHIPPING_DISCOUNT, ("DISCOUNT", "SHIPPING"), None),
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
        if kind is ChargeKind.PROMOTION_DISCOUNT:
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
            rule = _eu_rule(store, order, None) or settings.charge_tax_rule_id
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
