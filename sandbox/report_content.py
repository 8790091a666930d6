"""Tab-separated report documents built from sandbox state, as Amazon lays them out."""

from __future__ import annotations

import zlib
from datetime import datetime
from decimal import Decimal

from skuport.sandbox.http import iso
from skuport.sandbox.render_orders import line_total
from skuport.sandbox.state import BY_ID, Order, OrderLine, SandboxState, amount_text

LISTINGS_COLUMNS = (
    "item-name item-description listing-id seller-sku price quantity open-date image-url "
    "item-is-marketplace product-id-type zshop-shipping-fee item-note item-condition "
    "zshop-category1 zshop-browse-path zshop-storefront-feature asin1 asin2 asin3 "
    "will-ship-internationally expedited-shipping zshop-boldface product-id "
    "bid-for-featured-placement add-delete pending-quantity fulfillment-channel "
    "merchant-shipping-group status"
).split()
ORDERS_COLUMNS = (
    "amazon-order-id merchant-order-id purchase-date last-updated-date order-status "
    "fulfillment-channel sales-channel order-channel ship-service-level product-name sku asin "
    "item-status quantity currency item-price item-tax shipping-price shipping-tax "
    "gift-wrap-price gift-wrap-tax item-promotion-discount ship-promotion-discount ship-city "
    "ship-state ship-postal-code ship-country promotion-ids is-business-order "
    "purchase-order-number price-designation"
).split()
V0_STATUS = {
    "PENDING_AVAILABILITY": "PendingAvailability",
    "PENDING": "Pending",
    "UNSHIPPED": "Unshipped",
    "PARTIALLY_SHIPPED": "PartiallyShipped",
    "SHIPPED": "Shipped",
    "CANCELLED": "Canceled",
    "UNFULFILLABLE": "Unfulfillable",
}


def _clean(value: object) -> str:
    return str(value).replace("\t", " ").replace("\n", " ")


def _tsv(columns: list[str], rows: list[dict[str, object]]) -> bytes:
    lines = ["\t".join(columns)]
    lines += ["\t".join(_clean(row.get(c, "")) for c in columns) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def listings_report(state: SandboxState, seller_id: str, marketplace_id: str) -> tuple[bytes, int]:
    """GET_MERCHANT_LISTINGS_ALL_DATA for one marketplace, and its row count."""
    rows = []
    for listing in sorted(state.listings.values(), key=lambda lst: lst.sku):
        offer = listing.offers.get(marketplace_id)
        if listing.seller_id != seller_id or offer is None or offer.price <= 0:
            continue
        rows.append(
            {
                "item-name": listing.title_in(marketplace_id),
                "listing-id": f"{zlib.crc32(f'{listing.sku}|{marketplace_id}'.encode()):010d}",
                "seller-sku": listing.sku,
                "price": amount_text(offer.price, BY_ID[marketplace_id].currency),
                "quantity": offer.quantity if offer.fulfillment == "DEFAULT" else "",
                "open-date": iso(offer.created or state.clock.now()),
                "item-is-marketplace": "y",
                "product-id-type": "1",
                "item-condition": "11",
                "asin1": listing.asin,
                "product-id": listing.asin,
                "fulfillment-channel": offer.fulfillment,
                "status": "Active" if "BUYABLE" in offer.status else "Inactive",
            }
        )
    return _tsv(LISTINGS_COLUMNS, rows), len(rows)


def _order_row(order: Order, line: OrderLine) -> dict[str, object]:
    """One orders-report row: an order item with its order's columns."""
    market = BY_ID[order.marketplace_id]
    priced = order.status != "PENDING"

    def cash(amount: Decimal) -> str:
        return amount_text(amount, order.currency)

    def tax(amount: Decimal) -> str:
        return cash(amount) if priced and (market.taxed or amount) else ""

    return {
        "amazon-order-id": order.order_id,
        "merchant-order-id": order.seller_order_id or "",
        "purchase-date": iso(order.created),
        "last-updated-date": iso(order.last_updated),
        "order-status": V0_STATUS[order.status],
        "fulfillment-channel": "Amazon" if order.fulfilled_by == "AMAZON" else "Merchant",
        "sales-channel": market.name,
        "ship-service-level": order.service_level,
        "product-name": line.title,
        "sku": line.sku or "",
        "asin": line.asin,
        "item-status": V0_STATUS[order.status],
        "quantity": line.quantity,
        "currency": order.currency if priced else "",
        "item-price": cash(line.unit_price * line.quantity) if priced else "",
        "item-tax": tax(line.item_tax),
        "shipping-price": cash(line.shipping) if priced else "",
        "shipping-tax": tax(line.shipping_tax),
        "gift-wrap-price": cash(line.gift_wrap) if priced else "",
        "gift-wrap-tax": tax(line.gift_wrap_tax),
        "item-promotion-discount": cash(-line.promotion_discount) if priced else "",
        "ship-promotion-discount": cash(-line.shipping_discount) if priced else "",
        "ship-city": order.address.get("city", ""),
        "ship-state": order.address.get("stateOrRegion", ""),
        "ship-postal-code": order.address.get("postalCode", ""),
        "ship-country": order.address.get("countryCode", ""),
        "promotion-ids": ",".join(line.promotion_ids),
        "is-business-order": "true" if "AMAZON_BUSINESS" in order.programs else "false",
        "purchase-order-number": order.buyer.get("buyerPurchaseOrderNumber", ""),
        "price-designation": "BusinessPrice" if "AMAZON_BUSINESS" in order.programs else "",
        "order-total": cash(line_total(line)) if priced else "",
    }


def orders_report(
    state: SandboxState, seller_id: str, marketplace_ids: list[str], start: datetime, end: datetime
) -> tuple[bytes, int]:
    """GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL: one row per order item."""
    rows = [
        _order_row(order, line)
        for order in state.seller_orders(seller_id)
        if order.marketplace_id in marketplace_ids and start <= order.last_updated <= end
        for line in order.lines
    ]
    return _tsv(ORDERS_COLUMNS, rows), len(rows)
