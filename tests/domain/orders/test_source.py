"""Reading the all-orders report into orders (BX-2's report route)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from skuport.domain.amazon.orders import FulfillmentStatus
from skuport.domain.orders.source import orders_from_report


def row(**values: str) -> dict[str, str]:
    base = {
        "amazon-order-id": "111-0000001-0000001",
        "purchase-date": "2026-07-30T10:00:00+00:00",
        "last-updated-date": "2026-07-31T11:00:00+00:00",
        "order-status": "Shipped",
        "fulfillment-channel": "Merchant",
        "sales-channel": "Amazon.com",
        "sku": "LAMP-1",
        "asin": "B000000001",
        "product-name": "Lamp",
        "quantity": "2",
        "currency": "USD",
        "item-price": "40.00",
        "item-tax": "3.30",
        "shipping-price": "4.99",
        "shipping-tax": "0.41",
        "gift-wrap-price": "",
        "item-promotion-discount": "-4.00",
        "ship-promotion-discount": "0.00",
        "ship-country": "US",
        "ship-city": "Seattle",
        "is-business-order": "false",
    }
    return base | values


def test_item_rows_become_one_order_with_amazons_breakdowns():
    orders, bad = orders_from_report([row(), row(sku="", asin="B000000002", quantity="1")])
    assert bad == []
    [order] = orders
    assert order.status is FulfillmentStatus.SHIPPED and order.marketplace_id == "ATVPDKIKX0DER"
    assert order.last_updated == datetime(2026, 7, 31, 11, tzinfo=UTC)
    first, second = order.items
    assert first.amount("ITEM") == Decimal("40.00") and first.amount("TAX", "ITEM") == Decimal(
        "3.30"
    )
    assert first.amount("DISCOUNT", "ITEM") == Decimal("-4.00")
    assert first.unit_price.amount == Decimal("20.00")
    assert second.seller_sku is None  # a SKU Amazon no longer knows
    assert first.order_item_id != second.order_item_id


def test_positive_discounts_are_read_as_discounts():
    [order], _ = orders_from_report([row(**{"item-promotion-discount": "4.00"})])
    assert order.items[0].amount("DISCOUNT", "ITEM") == Decimal("-4.00")


def test_a_broken_order_is_reported_and_the_others_kept():
    orders, bad = orders_from_report(
        [row(), row(**{"amazon-order-id": "111-0000002-0000002", "item-price": "lots"})]
    )
    assert [o.order_id for o in orders] == ["111-0000001-0000001"]
    assert bad[0].order_id == "111-0000002-0000002" and "item-price" in bad[0].problem


def test_statuses_and_fba_are_mapped():
    [order], _ = orders_from_report(
        [row(**{"order-status": "Canceled", "fulfillment-channel": "Amazon"})]
    )
    assert order.status is FulfillmentStatus.CANCELLED and order.fulfilled_by == "AMAZON"
