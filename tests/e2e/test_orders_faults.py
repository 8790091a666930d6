"""Bad input and faults: nothing lost, nothing doubled (OR-3, OR-8, ST-6, BX-2, BX-3)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from skuport.domain.inventory.products.service import find_product_by_sku
from skuport.domain.inventory.sales.models import Sale
from skuport.domain.inventory.stock.service import stock_at
from skuport.domain.jobs import Every, JobTarget, OperationLog, RunStatus, Trigger
from skuport.domain.orders import service as order_service
from skuport.domain.orders.models import AttentionItem, OrderLogEntry, OrderWatermark, PendingOrder
from skuport.domain.orders.scheduled import load_job
from skuport.sandbox.faults import Fault
from tests.e2e import test_orders_support as support
from tests.e2e.test_orders_support import (
    ATTENTION,
    NOTIFICATIONS,
    SETTINGS,
    count,
    log_rows,
    stock_product,
)

amazon, shop, load, scheduled = support.amazon, support.shop, support.load, support.scheduled
drain = support.drain

RETRY = """
mutation($id: ID!) {
  retryAttentionItem(id: $id) {
    __typename ... on AttentionRetried { outcome reason detail stillNeedsAttention }
    ... on UserError { message }
  }
}
"""


async def place_orders(amazon, store, sessions, how_many: int) -> dict[str, dict]:
    """`how_many` new FBM orders on Amazon; their SKUs are our products with stock."""
    placed = {}
    for index in range(how_many):
        order = (
            await amazon(
                "POST", "/_sandbox/orders", sellerId=store.seller_id, variant=2 + 3 * index
            )
        )["order"]
        placed[order["orderId"]] = order
    skus = {
        item["product"]["sellerSku"]
        for order in placed.values()
        for item in order["orderItems"]
        if item["product"].get("sellerSku")
    }
    for sku in skus:
        await stock_product(sessions, sku, store.location_id, 1000)
    await amazon("POST", "/_sandbox/clock", seconds=900)
    return placed


async def allocated(sessions, store, sandbox) -> dict[str, object]:
    """Allocated units per SKU at the store's location, and what the captured orders asked for."""
    wanted: dict[str, int] = {}
    for order_id in await logged(sessions):
        for line in sandbox.state.orders[order_id].lines:
            if line.sku:
                wanted[line.sku] = wanted.get(line.sku, 0) + line.quantity
    found = {}
    async with sessions() as session:
        for sku in wanted:
            product = await find_product_by_sku(session, sku=sku)
            if product is None:
                continue  # a service line: no stock
            figure = await stock_at(session, product_id=product.id, location_id=store.location_id)
            found[sku] = int(figure.allocated)
    return {"allocated": found, "ordered": {k: v for k, v in wanted.items() if k in found}}


async def logged(sessions) -> set[str]:
    async with sessions() as session:
        return set(await session.scalars(select(OrderLogEntry.amazon_order_id)))


async def test_a_malformed_order_is_skipped_and_the_rest_captured(
    gql, shop, amazon, scheduled, sessions
):
    """OR-8, BX-3: a broken order is skipped with its reason; one bad order stops nothing."""
    store = await shop("NA")
    placed = await place_orders(amazon, store, sessions, 3)
    broken = next(iter(placed))
    await amazon("POST", f"/_sandbox/orders/{broken}/malformed")
    await amazon("POST", "/_sandbox/clock", seconds=300)
    entry = await scheduled(store.id)
    assert entry.status is RunStatus.SUCCEEDED
    skipped = {e["item"]: e["reason"] for e in entry.errors}
    assert skipped[broken].startswith("bad_data")
    rows = {r["amazonOrderId"] for r in await log_rows(gql, store.id)}
    assert broken not in rows and set(placed) - {broken} <= rows
    items = (await gql(ATTENTION, storeId=store.id))["data"]["attentionItems"]
    assert [(i["amazonOrderId"], i["reason"]) for i in items] == [(broken, "bad_data")]
    notes = (await gql(NOTIFICATIONS))["data"]["notifications"]["nodes"]
    assert any(broken in n["message"] for n in notes)


async def test_a_missing_tax_mapping_skips_until_fixed_then_retry_captures(
    gql, shop, load, sessions
):
    """ST-6, OR-8, BX-3: no mapping → skip, notification, queue; fixed → retry captures."""
    store = await shop("NA", mapped=False)
    run = await load(store.id, days=3, route="SEARCH")
    assert run["processed"] == 0 and run["skipped"] > 0
    assert all(
        e["reason"].startswith(("tax_mapping_incomplete", "fba_not_processed"))
        for e in run["errors"]
    )
    items = (await gql(ATTENTION, storeId=store.id))["data"]["attentionItems"]
    assert items and {i["reason"] for i in items} == {"tax_mapping_incomplete"}
    assert await count(sessions, Sale) == 0
    notes = (await gql(NOTIFICATIONS))["data"]["notifications"]["nodes"]
    # OR-8: one notification per skipped order, saying why
    assert len(notes) == len(items)
    assert all("tax_mapping_incomplete" in n["message"] for n in notes)
    # when the mapping is completed, a retry captures and processes the order
    fixed = await gql(SETTINGS, storeId=store.id, settings={
        "lineTaxRuleId": str(store.line_rule), "chargeTaxRuleId": str(store.charge_rule),
        "taxFreeRuleId": str(store.free_rule),
    })  # fmt: skip
    assert fixed["data"]["updateStoreSettings"]["__typename"] == "StoreSaved"
    retried = await gql(RETRY, role="operations", id=items[0]["id"])
    result = retried["data"]["retryAttentionItem"]
    assert result == {**result, "outcome": "processed", "stillNeedsAttention": False}
    assert len(await log_rows(gql, store.id)) == 1
    # and the next load takes the rest, the retried one is not doubled
    await load(store.id, days=3, route="SEARCH")
    assert await count(sessions, Sale) == len(await log_rows(gql, store.id)) == len(items)
    assert (await gql(ATTENTION, storeId=store.id))["data"]["attentionItems"] == []


async def test_429_storms_and_5xx_mid_paging_lose_and_double_nothing(
    gql, shop, amazon, sandbox, load, sessions
):
    """BX-2, OR-3: throttling and server errors between pages are retried; exact result."""
    store = await shop("NA")
    placed = await place_orders(amazon, store, sessions, 130)  # two searchOrders pages
    calls = {"n": 0}
    take = sandbox.faults.take

    def faulty(operation: str, now=None):
        if operation == "searchOrders":
            calls["n"] += 1
            if calls["n"] == 2:  # the second page: a 5xx pair, then a 429 storm
                sandbox.faults.add(Fault(kind="500", count=1, operation="searchOrders"))
                sandbox.faults.add(Fault(kind="503", count=1, operation="searchOrders"))
                sandbox.faults.add(Fault(kind="429", count=4, operation="searchOrders"))
        return take(operation, now)

    sandbox.faults.take = faulty
    run = await load(store.id, days=1, route="SEARCH")
    assert run["status"] == "SUCCEEDED", run
    assert calls["n"] >= 2 + 6
    assert set(placed) <= await logged(sessions)
    async with sessions() as session:
        duplicates = await session.scalar(
            select(func.count()).select_from(
                select(Sale.reference).group_by(Sale.reference).having(func.count() > 1).subquery()
            )
        )
    assert duplicates == 0
    figures = await allocated(sessions, store, sandbox)
    assert figures["allocated"] == figures["ordered"]


async def test_two_downloads_at_once_make_one_sale_per_order(
    sandbox, gql, shop, amazon, app, sessions
):
    """OR-3: two runs loading the same orders concurrently — no second sale.

    Runs of one store take turns (a running claim); this is the case where they still meet:
    a claim that lapsed while its server was stuck, so the two apply the same orders at once.
    """
    store = await shop("NA")
    placed = await place_orders(amazon, store, sessions, 12)
    runner = app.state.services.runner
    now = app.state.services.clock.now()
    loading = load_job(start=now - timedelta(hours=2), end=None, route="search")
    spec = replace(loading, one_at_a_time=None)
    target = JobTarget(key=store.id, label="NA", schedule=Every(60))
    first, second = await asyncio.gather(
        runner.run(spec, trigger=Trigger.USER, triggered_by="server A", target=target),
        runner.run(spec, trigger=Trigger.USER, triggered_by="server B", target=target),
    )
    assert first.status is second.status is RunStatus.SUCCEEDED
    captured = await count(sessions, OrderLogEntry)
    assert set(placed) <= await logged(sessions)
    assert first.processed + second.processed == captured == await count(sessions, Sale)
    doubles = [e for e in first.errors + second.errors if "already_captured" in e["reason"]]
    assert len(doubles) == captured  # each order: captured by one run, skipped by the other
    figures = await allocated(sessions, store, sandbox)
    assert figures["allocated"] == figures["ordered"]


async def test_a_download_killed_halfway_is_finished_by_the_next(
    sandbox, gql, shop, amazon, scheduled, sessions, monkeypatch
):
    """OR-1, OR-3: a run dying mid-way leaves whole orders only; the next run completes it."""
    store = await shop("NA")
    placed = await place_orders(amazon, store, sessions, 6)
    real = order_service._apply
    seen = {"n": 0}

    async def dying(session, **kwargs):
        seen["n"] += 1
        if seen["n"] == 5:
            raise asyncio.CancelledError  # the server process goes away here
        return await real(session, **kwargs)

    monkeypatch.setattr(order_service, "BATCH", 2)  # two committed batches before the end
    monkeypatch.setattr(order_service, "_apply", dying)
    with pytest.raises(asyncio.CancelledError):
        await scheduled(store.id)
    before = await logged(sessions)
    assert before and not set(placed) <= before  # whole batches kept, the last one undone
    monkeypatch.setattr(order_service, "_apply", real)
    await amazon("POST", "/_sandbox/clock", seconds=900)
    entry = await scheduled(store.id)
    assert entry.status is RunStatus.SUCCEEDED
    assert set(placed) <= await logged(sessions) and before < await logged(sessions)
    assert await count(sessions, OrderLogEntry) == await count(sessions, Sale)
    figures = await allocated(sessions, store, sandbox)
    assert figures["allocated"] == figures["ordered"]
    async with sessions() as session:
        killed = await session.scalar(
            select(func.count(OperationLog.id)).where(
                OperationLog.status == RunStatus.RUNNING,
                OperationLog.operation == "orders_download",
            )
        )
    assert killed == 1  # the dead run stays visible as never finished (LG-4)
    assert await count(sessions, PendingOrder) == 0 and await count(sessions, AttentionItem) == 0


async def test_a_throttled_run_fails_visibly_and_the_next_one_catches_up(
    gql, shop, amazon, sandbox, scheduled, sessions
):
    """BX-2: Amazon refusing every retry fails the run, never the store; nothing is skipped."""
    store = await shop("NA")
    placed = await place_orders(amazon, store, sessions, 2)
    sandbox.faults.add(Fault(kind="429", count=50, operation="searchOrders"))
    failed = await scheduled(store.id)
    assert failed.status is RunStatus.FAILED and "searchOrders" in failed.errors[-1]["reason"]
    async with sessions() as session:
        assert await session.get(OrderWatermark, int(store.id)) is None  # the window is kept
    sandbox.faults.clear()
    await amazon("POST", "/_sandbox/clock", seconds=900)
    caught_up = await scheduled(store.id)
    assert caught_up.status is RunStatus.SUCCEEDED
    assert set(placed) <= await logged(sessions)


async def test_a_long_outage_is_caught_up_through_the_orders_report(
    shop, amazon, scheduled, sessions
):
    """BX-2: a scheduled window longer than two days is read from one report, not 100s of pages."""
    store = await shop("NA")
    first = await scheduled(store.id)
    async with sessions() as session, session.begin():
        mark = await session.get(OrderWatermark, int(store.id))
        mark.updated_up_to = first.window_end - timedelta(days=5)
    placed = await place_orders(amazon, store, sessions, 2)
    entry = await scheduled(store.id)
    assert entry.status is RunStatus.SUCCEEDED and "report" in entry.message
    assert set(placed) <= await logged(sessions)
    async with sessions() as session:
        mark = await session.get(OrderWatermark, int(store.id))
    # Amazon's reports may lag 30 minutes: the next run reads that stretch again
    assert mark.updated_up_to == entry.window_end - timedelta(minutes=30)


async def test_a_processing_failure_keeps_the_capture_and_its_stock(
    gql, shop, amazon, scheduled, sandbox, sessions, monkeypatch
):
    """PR-1, BX-3: the sale cannot be made → the order stays pending, allocated, queued."""
    from skuport.domain.errors import InvalidValue
    from skuport.domain.inventory.sales import batch, service

    store = await shop("NA")
    placed = await place_orders(amazon, store, sessions, 1)
    [order_id] = placed
    real = service.prepare_sale

    async def refusing(session, **kwargs):
        if kwargs.get("reference") == order_id:
            raise InvalidValue("customer_id", "the back office is closed today")
        return await real(session, **kwargs)

    # The back office's sale rules refuse it, in the batch path and the per-order path alike.
    monkeypatch.setattr(service, "prepare_sale", refusing)
    monkeypatch.setattr(batch, "prepare_sale", refusing)
    entry = await scheduled(store.id)
    assert any(e["item"] == order_id and "processing_failed" in e["reason"] for e in entry.errors)
    row = (await log_rows(gql, store.id, amazonOrderId=order_id))[0]
    assert row["state"] == "PENDING" and row["sale"] is None
    figures = await allocated(sessions, store, sandbox)
    assert figures["allocated"] == figures["ordered"]
    items = (await gql(ATTENTION, storeId=store.id))["data"]["attentionItems"]
    mine = next(i for i in items if i["amazonOrderId"] == order_id)
    assert mine["stage"] == "processing"
    # when the cause is gone, a retry makes the sale from the pending order
    monkeypatch.setattr(service, "prepare_sale", real)
    monkeypatch.setattr(batch, "prepare_sale", real)
    retried = await gql(RETRY, role="operations", id=mine["id"])
    assert retried["data"]["retryAttentionItem"]["outcome"] == "processed"
    row = (await log_rows(gql, store.id, amazonOrderId=order_id))[0]
    assert row["state"] == "PROCESSED" and row["sale"]["status"] == "ordered"
    figures = await allocated(sessions, store, sandbox)
    assert figures["allocated"] == figures["ordered"]
    assert await count(sessions, PendingOrder) == 0


async def test_a_processing_run_killed_halfway_makes_no_half_sale(
    gql, shop, load, app, sessions, monkeypatch
):
    """PR-1, OR-3: a DAILY processing run dying mid-way leaves the orders pending, once."""
    from skuport.domain.orders import actions
    from skuport.domain.orders.scheduled import ORDERS_CONSOLIDATION, consolidation_targets

    store = await shop("NA", consolidation="DAILY")
    await load(store.id, days=3, route="SEARCH")
    pending = await count(sessions, PendingOrder)
    async with sessions() as session:
        currencies = set(await session.scalars(select(PendingOrder.currency)))
    real = actions.make_sales

    async def dying(session, **kwargs):
        await real(session, **kwargs)  # the sale is made, not yet committed...
        raise asyncio.CancelledError  # ...when the server goes away

    monkeypatch.setattr(actions, "make_sales", dying)
    async with sessions() as session:
        [target] = await consolidation_targets(session)
    runner = app.state.services.runner
    with pytest.raises(asyncio.CancelledError):
        await runner.run(
            ORDERS_CONSOLIDATION, trigger=Trigger.USER, triggered_by="a", target=target
        )
    assert await count(sessions, Sale) == 0 and await count(sessions, PendingOrder) == pending
    monkeypatch.setattr(actions, "make_sales", real)
    done = await runner.run(
        ORDERS_CONSOLIDATION, trigger=Trigger.USER, triggered_by="b", target=target
    )
    assert done.processed == pending and await count(sessions, PendingOrder) == 0
    assert await count(sessions, Sale) == len(currencies)  # one per currency
    entries = await log_rows(gql, store.id)
    assert {r["state"] for r in entries} == {"PROCESSED"}
    assert len({r["sale"]["id"] for r in entries}) == len(currencies)
