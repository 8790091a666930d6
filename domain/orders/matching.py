"""OR-5: the product each line of an Amazon order sells: by link, by SKU, from Amazon, or none."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon.catalog_items import CatalogItem
from skuport.domain.amazon.orders import Order, OrderItem
from skuport.domain.inventory.products.models import Product
from skuport.domain.listings.facts import facts_of
from skuport.domain.listings.linking import create_from_entry
from skuport.domain.listings.models import CatalogEntry, LinkSource
from skuport.domain.orders.capture_rules import OrderSkipped, SkipReason
from skuport.domain.stores.models import MatchProducts, Store


@dataclass(frozen=True)
class Match:
    """The product a line sells, or None for a service line (OR-5)."""

    product_id: int | None
    default_tax_rule_id: int | None = None


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
