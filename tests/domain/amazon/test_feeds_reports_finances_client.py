"""Issue 4 — Feeds (JSON_LISTINGS_FEED), Reports (gzip TSV) and Finances lifecycles."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from skuport.domain.amazon import feeds, reports
from skuport.domain.amazon.errors import SpApiError
from skuport.domain.amazon.finances import (
    iter_financial_event_groups,
    iter_financial_events,
    list_transactions,
)
from skuport.domain.amazon.listings import get_listings_item, stock_patch

US = "ATVPDKIKX0DER"
DE = "A1PA6795UKMFR9"


async def _wait_for_feed(client, sandbox, feed_id):
    for _ in range(20):
        feed = await feeds.get_feed(client, feed_id)
        if feed.finished:
            return feed
        sandbox.state.clock.advance(timedelta(minutes=1))
    raise AssertionError("feed never finished")


async def test_json_listings_feed_lifecycle_with_processing_report(make_client, sandbox, na_seller):
    client = make_client()
    listing = next(
        lst
        for lst in sandbox.state.listings.values()
        if lst.seller_id == na_seller.seller_id
        and lst.offers[US].fulfillment == "DEFAULT"
        and lst.offers[US].price > 0
    )
    messages = [
        {
            "sku": listing.sku,
            "operationType": "PATCH",
            "productType": listing.product_type,
            "patches": [stock_patch(11)],
        },
        {
            "sku": "NOPE-404",
            "operationType": "PATCH",
            "productType": "HOME",
            "patches": [stock_patch(1)],
        },
        {
            "sku": listing.sku,
            "operationType": "PATCH",
            "productType": listing.product_type,
            "patches": [stock_patch(-1)],
        },
    ]
    feed_id = await feeds.submit_listings_feed(client, marketplace_ids=[US], messages=messages)
    first = await feeds.get_feed(client, feed_id)
    assert first.status == "IN_QUEUE" and first.feed_type == "JSON_LISTINGS_FEED"
    feed = await _wait_for_feed(client, sandbox, feed_id)
    assert feed.status == "DONE" and feed.result_document_id
    report = await feeds.read_processing_report(client, feed)
    assert report.summary["messagesProcessed"] == 3
    assert report.summary["messagesAccepted"] == 1 and report.summary["messagesInvalid"] == 2
    assert report.issues_for(1) == [] and report.issues_for(2) and report.issues_for(3)
    assert (await get_listings_item(client, listing.sku, marketplace_id=US)).quantity == 11


async def test_feed_can_be_cancelled_only_while_in_queue(make_client, sandbox):
    client = make_client()
    feed_id = await feeds.submit_listings_feed(
        client, marketplace_ids=[US], messages=[{"sku": "X", "operationType": "DELETE"}]
    )
    await feeds.cancel_feed(client, feed_id)
    assert (await feeds.get_feed(client, feed_id)).status == "CANCELLED"
    other = await feeds.submit_listings_feed(
        client, marketplace_ids=[US], messages=[{"sku": "X", "operationType": "DELETE"}]
    )
    await _wait_for_feed(client, sandbox, other)
    with pytest.raises(SpApiError):
        await feeds.cancel_feed(client, other)


async def test_feed_failure_is_fatal_with_a_report(make_client, sandbox):
    client = make_client()
    sandbox.state.settings.feed_failure = "FATAL"
    feed_id = await feeds.submit_listings_feed(
        client, marketplace_ids=[US], messages=[{"sku": "X", "operationType": "DELETE"}]
    )
    feed = await _wait_for_feed(client, sandbox, feed_id)
    assert feed.status == "FATAL"
    report = await feeds.read_processing_report(client, feed)
    assert report.summary["errors"] == 1


async def _finished_report(client, sandbox, report_type, marketplace_ids, **kwargs):
    report_id = await reports.create_report(
        client, report_type=report_type, marketplace_ids=marketplace_ids, **kwargs
    )
    for _ in range(20):
        report = await reports.get_report(client, report_id)
        if report.finished:
            return report
        sandbox.state.clock.advance(timedelta(minutes=1))
    raise AssertionError("report never finished")


async def test_all_listings_report_is_gzip_tsv_parsed_by_header(make_client, sandbox, eu_seller):
    client = make_client("EU")
    report = await _finished_report(client, sandbox, reports.ALL_LISTINGS, [DE])
    assert report.status == "DONE"
    rows = await reports.read_report(client, report)
    skus = {
        lst.sku
        for lst in sandbox.state.listings.values()
        if lst.seller_id == eu_seller.seller_id and lst.offers[DE].price > 0
    }
    assert {r["seller-sku"] for r in rows} == skus
    assert all(Decimal(r["price"]) > 0 and r["asin1"] for r in rows)


async def test_orders_report_has_one_row_per_item(make_client, sandbox, na_seller):
    client = make_client()
    now = sandbox.state.clock.now()
    report = await _finished_report(
        client,
        sandbox,
        reports.ALL_ORDERS_BY_LAST_UPDATE,
        [US],
        data_start=now - timedelta(days=40),
        data_end=now,
    )
    rows = await reports.read_report(client, report)
    orders = [o for o in sandbox.state.seller_orders(na_seller.seller_id) if o.marketplace_id == US]
    assert len(rows) == sum(len(o.lines) for o in orders)
    assert {r["order-status"] for r in rows} >= {"Shipped", "Pending", "Canceled"}


def test_tsv_is_parsed_by_header_name_whatever_the_column_order():
    content = b"sku\tprice\textra\nA\t1.00\tx\n\nB\t2.50\n"
    assert reports.parse_tsv(content) == [
        {"sku": "A", "price": "1.00", "extra": "x"},
        {"sku": "B", "price": "2.50", "extra": ""},
    ]


async def test_empty_report_is_cancelled_meaning_no_data(make_client, sandbox):
    client = make_client()
    now = sandbox.state.clock.now()
    report = await _finished_report(
        client,
        sandbox,
        reports.ALL_ORDERS_BY_LAST_UPDATE,
        [US],
        data_start=now - timedelta(days=400),
        data_end=now - timedelta(days=399),
    )
    assert report.status == "CANCELLED" and report.document_id is None


async def test_payouts_are_consistent_with_their_events(make_client, sandbox):
    client = make_client()
    groups = [g async for g in iter_financial_event_groups(client, max_results_per_page=2)]
    assert {g.original_total.currency for g in groups} == {"USD", "CAD", "MXN"}
    assert {g.processing_status for g in groups} == {"Open", "Closed"}
    for group in groups:
        events = [e async for e in iter_financial_events(client, group.group_id)]
        total = sum((e.total().amount for e in events if e.total()), Decimal(0))
        assert group.beginning_balance.amount + total == group.original_total.amount
    kinds = {e.list_name for g in groups async for e in iter_financial_events(client, g.group_id)}
    assert kinds >= {"ShipmentEventList", "RefundEventList", "ServiceFeeEventList"}


async def test_shipment_events_match_shipped_orders(make_client, sandbox, na_seller):
    client = make_client()
    shipped = {
        o.order_id
        for o in sandbox.state.seller_orders(na_seller.seller_id)
        if o.status in ("SHIPPED", "PARTIALLY_SHIPPED")
    }
    seen = set()
    async for group in iter_financial_event_groups(client):
        async for event in iter_financial_events(client, group.group_id):
            if event.list_name == "ShipmentEventList":
                seen.add(event.order_id)
    assert seen == shipped


async def test_transactions_of_a_payout_sum_to_its_events(make_client, sandbox):
    client = make_client()
    groups = [g async for g in iter_financial_event_groups(client)]
    group = groups[0]
    page = await list_transactions(client, group_id=group.group_id)
    assert page.items and all(
        t.related["FINANCIAL_EVENT_GROUP_ID"] == group.group_id for t in page.items
    )
    total = sum((t.total.amount for t in page.items), Decimal(0))
    assert group.beginning_balance.amount + total == group.original_total.amount


async def test_an_unknown_document_url_is_a_clear_amazon_error(make_client):
    from skuport.domain.amazon.errors import AmazonError

    client = make_client()
    document = feeds.Document("nope", "http://sandbox.test/_sandbox/documents/nope")
    with pytest.raises(AmazonError, match="HTTP 404"):
        await feeds.download_document(client, document)


async def test_an_orders_money_is_found_by_order_id_in_both_apis(make_client, sandbox, na_seller):
    from skuport.domain.amazon.finances import list_financial_events_by_order_id

    client = make_client()
    order = next(
        o for o in sandbox.state.seller_orders(na_seller.seller_id) if o.status == "SHIPPED"
    )
    events = await list_financial_events_by_order_id(client, order.order_id)
    assert events and all(e.order_id == order.order_id for e in events)
    page = await list_transactions(client, order_id=order.order_id)
    assert len(page.items) == len(events)
    assert sum((t.total.amount for t in page.items), Decimal(0)) == sum(
        (e.total().amount for e in events), Decimal(0)
    )
