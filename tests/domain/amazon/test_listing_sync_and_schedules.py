"""Issue 4 — searchListingsItems, getFeeds, report schedules and the remaining fault kinds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from skuport.domain.amazon import feeds, reports
from skuport.domain.amazon.errors import MalformedPayloadError
from skuport.domain.amazon.listings import iter_listings_items
from skuport.domain.amazon.orders import iter_orders
from skuport.domain.amazon.sellers import get_marketplace_participations
from skuport.sandbox.faults import Fault

US = "ATVPDKIKX0DER"


async def test_search_listings_items_pages_through_every_listing_once(
    make_client, sandbox, na_seller
):
    client = make_client()
    skus = [item.sku async for item in iter_listings_items(client, marketplace_id=US, page_size=7)]
    expected = {
        k[1]
        for k, lst in sandbox.state.listings.items()
        if k[0] == na_seller.seller_id and US in lst.offers
    }
    assert len(skus) == len(set(skus)) and set(skus) == expected


async def test_search_listings_items_by_last_updated_is_incremental(
    make_client, sandbox, na_seller
):
    client = make_client()
    since = sandbox.state.clock.now() - timedelta(days=1)
    listing = next(
        lst for lst in sandbox.state.listings.values() if lst.seller_id == na_seller.seller_id
    )
    listing.offers[US].updated = sandbox.state.clock.now()
    changed = [
        i.sku
        async for i in iter_listings_items(client, marketplace_id=US, last_updated_after=since)
    ]
    assert changed == [listing.sku]


async def test_get_feeds_lists_submitted_feeds_with_next_token_alone(make_client, sandbox):
    client = make_client()
    ids = [
        await feeds.submit_listings_feed(
            client, marketplace_ids=[US], messages=[{"sku": f"S{n}", "operationType": "DELETE"}]
        )
        for n in range(3)
    ]
    first = await feeds.get_feeds(client, feed_types=["JSON_LISTINGS_FEED"], page_size=2)
    second = await feeds.get_feeds(client, next_token=first.next_token)
    listed = [f.feed_id for f in first.items + second.items]
    assert sorted(listed) == sorted(ids) and second.next_token is None


async def test_report_schedule_produces_a_report_every_period(make_client, sandbox):
    client = make_client()
    schedule_id = await reports.create_report_schedule(
        client, report_type=reports.ALL_LISTINGS, marketplace_ids=[US], period="PT1H"
    )
    schedules = await reports.get_report_schedules(client, report_types=[reports.ALL_LISTINGS])
    assert [s.schedule_id for s in schedules] == [schedule_id]
    sandbox.state.clock.advance(timedelta(hours=3, minutes=10))
    page = await reports.get_reports(client, report_types=[reports.ALL_LISTINGS])
    assert len(page.items) == 3 and all(r.status == "DONE" for r in page.items)
    rows = await reports.read_report(client, page.items[0])
    assert rows and "seller-sku" in rows[0]
    await reports.cancel_report_schedule(client, schedule_id)
    assert await reports.get_report_schedules(client, report_types=[reports.ALL_LISTINGS]) == []


async def test_slow_answer_fault_costs_virtual_time_not_a_failure(make_client, sandbox):
    client = make_client()
    start = sandbox.state.clock.now()
    sandbox.faults.add(Fault("slow", count=1, delay=0.001))
    assert len(await get_marketplace_participations(client)) == 3
    assert sandbox.state.clock.now() > start


async def test_malformed_order_in_a_page_names_the_order(make_client, sandbox, na_seller):
    client = make_client()
    order = sandbox.state.seller_orders(na_seller.seller_id)[3]
    order.malformed = True
    with pytest.raises(MalformedPayloadError) as error:
        async for _ in iter_orders(
            client,
            marketplace_ids=list(na_seller.marketplace_ids),
            created_after=sandbox.state.clock.now() - timedelta(days=60),
        ):
            pass
    assert order.order_id in str(error.value)
    assert error.value.subject.startswith(f"order {order.order_id}")


async def test_feed_reports_brand_approval_failure_per_message(make_client, sandbox):
    client = make_client()
    restricted = next(p for p in sandbox.state.products.values() if p.restricted_brand)
    normal = next(
        p
        for p in sandbox.state.products.values()
        if p.product_type == "HOME" and not p.restricted_brand
    )

    def offer(asin):
        return {
            "merchant_suggested_asin": [{"value": asin, "marketplace_id": US}],
            "condition_type": [{"value": "new_new", "marketplace_id": US}],
        }

    feed_id = await feeds.submit_listings_feed(
        client,
        marketplace_ids=[US],
        messages=[
            {
                "sku": "F-OK",
                "operationType": "UPDATE",
                "productType": "HOME",
                "attributes": offer(normal.asin),
            },
            {
                "sku": "F-BRAND",
                "operationType": "UPDATE",
                "productType": "HOME",
                "attributes": offer(restricted.asin),
            },
            {
                "sku": "F-ASIN",
                "operationType": "UPDATE",
                "productType": "HOME",
                "attributes": offer("B0NOPE0000"),
            },
        ],
    )
    sandbox.state.clock.advance(timedelta(minutes=10))
    feed = await feeds.get_feed(client, feed_id)
    report = await feeds.read_processing_report(client, feed)
    assert report.issues_for(1) == []
    assert [i.code for i in report.issues_for(2)] == ["5461"]
    assert [i.code for i in report.issues_for(3)] == ["8105"]
