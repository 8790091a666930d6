"""Issue 4 — Orders 2026-01-01 searchOrders/getOrder paging and Orders v0 confirmShipment."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from skuport.domain.amazon.errors import MalformedPayloadError, SpApiError
from skuport.domain.amazon.orders import FulfillmentStatus, get_order, iter_orders, search_orders
from skuport.domain.amazon.orders_v0 import Package, ShippedItem, confirm_shipment
from skuport.sandbox.faults import Fault

ALL = ("BUYER", "RECIPIENT", "PROCEEDS", "FULFILLMENT", "PROMOTION", "PACKAGES")


async def _all_orders(client, sandbox, **extra):
    since = sandbox.state.clock.now() - timedelta(days=40)
    return [
        order
        async for order in iter_orders(
            client,
            marketplace_ids=list(client.store.marketplace_ids),
            last_updated_after=since,
            included_data=ALL,
            **extra,
        )
    ]


async def test_paging_returns_every_order_once_in_last_updated_order(
    make_client, sandbox, na_seller
):
    client = make_client()
    orders = await _all_orders(client, sandbox, max_results_per_page=5)
    expected = {
        o.order_id for o in sandbox.state.orders.values() if o.seller_id == na_seller.seller_id
    }
    assert [o.order_id for o in orders] and len(orders) == len(expected)
    assert {o.order_id for o in orders} == expected
    assert [o.last_updated for o in orders] == sorted(o.last_updated for o in orders)


async def test_a_429_storm_during_paging_loses_and_repeats_nothing(make_client, sandbox, na_seller):
    client = make_client()
    sandbox.faults.add(Fault("429", count=6, operation="searchOrders"))
    orders = await _all_orders(client, sandbox, max_results_per_page=4)
    ids = [o.order_id for o in orders]
    assert len(ids) == len(set(ids))
    assert set(ids) == {
        o.order_id for o in sandbox.state.orders.values() if o.seller_id == na_seller.seller_id
    }


async def test_paging_beyond_burst_waits_at_the_published_rate(make_client, sandbox):
    client = make_client()
    start = sandbox.state.clock.now()
    orders = await _all_orders(client, sandbox, max_results_per_page=1)
    pages = len(orders)
    elapsed = (sandbox.state.clock.now() - start).total_seconds()
    assert pages > 20
    assert elapsed == pytest.approx((pages - 20) / 0.0056, rel=0.05)


async def test_search_requires_exactly_one_time_axis(make_client, sandbox):
    client = make_client()
    now = sandbox.state.clock.now()
    with pytest.raises(ValueError):
        await search_orders(client, marketplace_ids=["ATVPDKIKX0DER"])
    with pytest.raises(SpApiError, match="2 minutes"):
        await search_orders(
            client,
            marketplace_ids=["ATVPDKIKX0DER"],
            last_updated_after=now - timedelta(days=1),
            last_updated_before=now,
        )


async def test_response_echoes_the_applied_before_bound_as_next_watermark(make_client, sandbox):
    client = make_client()
    now = sandbox.state.clock.now()
    page = await search_orders(
        client, marketplace_ids=["ATVPDKIKX0DER"], last_updated_after=now - timedelta(days=1)
    )
    assert page.extra["lastUpdatedBefore"] == (now - timedelta(minutes=2)).replace(microsecond=0)


async def test_orders_carry_items_money_as_decimal_and_aware_utc_times(make_client, sandbox):
    client = make_client()
    orders = await _all_orders(client, sandbox)
    shipped = next(o for o in orders if o.status is FulfillmentStatus.SHIPPED and o.grand_total)
    assert shipped.items and shipped.created.tzinfo is not None
    assert isinstance(shipped.grand_total.amount, Decimal)
    item_sum = sum((i.proceeds_total.amount for i in shipped.items), Decimal(0))
    assert item_sum == shipped.grand_total.amount


async def test_na_orders_carry_tax_and_eu_orders_do_not(make_client, sandbox):
    na = await _all_orders(make_client("NA"), sandbox)
    eu = await _all_orders(make_client("EU"), sandbox)
    assert any(i.amount("TAX") > 0 for o in na for i in o.items)
    assert all(i.amount("TAX") == 0 for o in eu for i in o.items)


async def test_demo_variety_statuses_fba_business_gift_promotions(make_client, sandbox):
    orders = await _all_orders(make_client("EU"), sandbox)
    assert {o.status for o in orders} >= set(FulfillmentStatus) - {FulfillmentStatus.UNFULFILLABLE}
    assert {o.fulfilled_by for o in orders} == {"AMAZON", "MERCHANT"}
    assert any(o.is_business and o.purchase_order_number for o in orders)
    assert any(len(o.items) > 1 for o in orders)
    assert any(i.amount("GIFT_WRAP") > 0 and i.gift_message for o in orders for i in o.items)
    assert all(o.latest_ship and o.latest_ship > o.created for o in orders)
    assert any(i.amount("DISCOUNT", "SHIPPING") < 0 for o in orders for i in o.items)
    assert any(i.promotion_ids for o in orders for i in o.items)
    countries = {o.address.country_code for o in orders if o.address}
    assert countries & {"DE", "FR", "IT", "ES"} and countries - {"DE", "FR", "IT", "ES"}
    assert any(i.seller_sku is None for o in orders for i in o.items)


async def test_pending_orders_hide_prices(make_client, sandbox):
    orders = await _all_orders(make_client(), sandbox)
    pending = [o for o in orders if o.status is FulfillmentStatus.PENDING]
    assert pending and all(o.grand_total is None for o in pending)
    assert all(i.unit_price is None for o in pending for i in o.items)


async def test_get_order_returns_one_order_with_items(make_client, sandbox, na_seller):
    client = make_client()
    wanted = sandbox.state.seller_orders(na_seller.seller_id)[0]
    order = await get_order(client, wanted.order_id, included_data=ALL)
    assert order.order_id == wanted.order_id
    assert [i.order_item_id for i in order.items] == [line.order_item_id for line in wanted.lines]


async def test_malformed_order_is_rejected_with_an_error_naming_it(make_client, sandbox, na_seller):
    client = make_client()
    order = sandbox.state.seller_orders(na_seller.seller_id)[0]
    order.malformed = True
    with pytest.raises(MalformedPayloadError, match=order.order_id):
        await get_order(client, order.order_id)


async def test_confirm_shipment_ships_an_unshipped_fbm_order(make_client, sandbox, na_seller):
    client = make_client()
    order = next(
        o
        for o in sandbox.state.seller_orders(na_seller.seller_id)
        if o.status == "UNSHIPPED" and o.fulfilled_by == "MERCHANT"
    )
    package = Package(
        reference_id="1",
        carrier_code="UPS",
        tracking_number="1Z999",
        ship_date=sandbox.state.clock.now(),
        items=[ShippedItem(line.order_item_id, line.quantity) for line in order.lines],
    )
    await confirm_shipment(
        client, order_id=order.order_id, marketplace_id=order.marketplace_id, package=package
    )
    refreshed = await get_order(client, order.order_id, included_data=ALL)
    assert refreshed.status is FulfillmentStatus.SHIPPED


async def test_confirm_shipment_of_an_fba_order_is_refused(make_client, sandbox, na_seller):
    client = make_client()
    order = next(
        o for o in sandbox.state.seller_orders(na_seller.seller_id) if o.fulfilled_by == "AMAZON"
    )
    package = Package(
        "1", "UPS", "1Z", sandbox.state.clock.now(), [ShippedItem(order.lines[0].order_item_id, 1)]
    )
    with pytest.raises(SpApiError) as error:
        await confirm_shipment(
            client, order_id=order.order_id, marketplace_id=order.marketplace_id, package=package
        )
    assert error.value.status == 400 and error.value.code == "InvalidInput"
