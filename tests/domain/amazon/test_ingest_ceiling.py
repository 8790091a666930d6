"""Issue 4 / SPEC BX-2 — ingest stays within published limits; ceilings measured in virtual time."""

from __future__ import annotations

import random
from datetime import timedelta

from skuport.domain.amazon import reports
from skuport.domain.amazon.orders import iter_orders
from skuport.sandbox.seed_orders import make_order

US = "ATVPDKIKX0DER"


def _add_orders(sandbox, seller, count):
    state = sandbox.state
    rng = random.Random(99)
    start = state.clock.now() - timedelta(days=2)
    for n in range(count):
        created = start + timedelta(seconds=30 * n)
        order = make_order(state, rng, seller, US, created=created, status="SHIPPED", index=n)
        order.last_updated = created
        state.orders[order.order_id] = order
    state.clock.advance(timedelta(days=1))


async def test_search_orders_route_sustains_about_2000_orders_per_hour(
    make_client, sandbox, na_seller
):
    _add_orders(sandbox, na_seller, 4000)
    client = make_client()
    begin = sandbox.state.clock.now()
    count = 0
    async for _ in iter_orders(
        client,
        marketplace_ids=[US],
        created_after=begin - timedelta(days=3),
        created_before=begin - timedelta(minutes=5),
    ):
        count += 1
    hours = (sandbox.state.clock.now() - begin).total_seconds() / 3600
    pages = -(-count // 100)
    sustained = (pages - 20) * 100 / hours  # the first 20 pages ride the burst
    assert count >= 4000
    assert 1900 <= sustained <= 2100
    assert not any(b.tokens < 0 for b in sandbox.limits.buckets.values())


async def test_orders_report_route_returns_every_order_item_in_minutes(
    make_client, sandbox, na_seller
):
    _add_orders(sandbox, na_seller, 4000)
    client = make_client()
    begin = sandbox.state.clock.now()
    report_id = await reports.create_report(
        client,
        report_type=reports.ALL_ORDERS_BY_LAST_UPDATE,
        marketplace_ids=[US],
        data_start=begin - timedelta(days=3),
        data_end=begin,
    )
    report = await reports.get_report(client, report_id)
    while not report.finished:
        await client.clock.sleep(30)  # poll every 30 s of virtual time
        report = await reports.get_report(client, report_id)
    rows = await reports.read_report(client, report)
    minutes = (sandbox.state.clock.now() - begin).total_seconds() / 60
    assert len({r["amazon-order-id"] for r in rows}) >= 4000
    assert minutes <= 10
