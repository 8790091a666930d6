"""OR-5's third step: Amazon's details of SKUs we do not know, asked before any transaction."""

from __future__ import annotations

from typing import Any

from skuport.domain.amazon.catalog_items import CatalogItem, get_catalog_item
from skuport.domain.amazon.errors import AmazonError
from skuport.domain.amazon.orders import Order, OrderItem
from skuport.domain.orders.capture import needs_fetching
from skuport.domain.stores.models import MatchProducts, Store
from skuport.domain.unit_of_work import UnitsOfWork

Found = dict[str, CatalogItem | None]


async def fetch_products_of(
    units: UnitsOfWork, gateway: Any, store: Store, orders: list[Order]
) -> dict[str, Found]:
    """Amazon's details of the orders' unknown SKUs, by Amazon order id: two queries for all of
    them, then Amazon asked with no transaction open."""
    settings = store.settings
    if settings.match_products is MatchProducts.MANUAL or not settings.create_product_if_not_found:
        return {}
    if not orders:
        return {}
    async with units.reading() as session:
        wanted = await needs_fetching(session, store=store, orders=orders)
    return {
        order_id: await _ask_amazon(gateway, store, order, items)
        for order_id, (order, items) in wanted.items()
    }


async def _ask_amazon(gateway: Any, store: Store, order: Order, wanted: list[OrderItem]) -> Found:
    found: Found = {}
    client = gateway.client_for(store)
    for item in wanted:
        try:
            found[item.seller_sku or ""] = await get_catalog_item(
                client, item.asin or "", marketplace_id=order.marketplace_id or ""
            )
        except AmazonError:
            found[item.seller_sku or ""] = None  # gone from Amazon too: a service line
    return found
