"""BX-2, OR-3: 429 storms are waited out within the run; pages are kept as they arrive; a run
that must stop is continued by the next scheduled download — every order captured once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from skuport.domain.inventory.sales.models import Sale
from skuport.domain.jobs import RunStatus
from skuport.domain.orders.models import OrderLogEntry
from skuport.sandbox.faults import Fault
from tests.e2e import test_orders_support as support
from tests.e2e.test_orders_faults import logged, place_orders

amazon, shop, load, scheduled = support.amazon, support.shop, support.load, support.scheduled


def storm_on_page(sandbox, page: int, **fault) -> dict[str, int]:
    """Amazon starts refusing searchOrders when asked for `page` (the pages before arrive)."""
    calls = {"n": 0}
    take = sandbox.faults.take

    def faulty(operation: str, now=None):  # type: ignore[no-untyped-def]
        if operation == "searchOrders":
            calls["n"] += 1
            if calls["n"] == page:
                sandbox.faults.add(Fault(kind="429", operation="searchOrders", **fault))
        return take(operation, now)

    sandbox.faults.take = faulty
    return calls


async def captured_once(sessions, placed) -> None:
    """Every placed order has one log entry and one sale; no Amazon order has two sales."""
    assert set(placed) <= await logged(sessions)
    async with sessions() as session:
        entries = await session.scalar(select(func.count(OrderLogEntry.id)))
        sales = await session.scalar(select(func.count(Sale.id)))
        doubled = await session.scalar(
            select(func.count()).select_from(
                select(Sale.reference).group_by(Sale.reference).having(func.count() > 1).subquery()
            )
        )
    assert entries == sales and doubled == 0


async def test_bx2_ten_429s_in_a_row_during_a_1200_order_load_are_waited_out(
    shop, amazon, sandbox, load, sessions
):
    """BX-2: ten 429s in a row on searchOrders mid-way through a 1,200-order load: the run
    waits for Amazon's bucket (its published plan) instead of failing, and captures all."""
    store = await shop("NA")
    placed = await place_orders(amazon, store, sessions, 1200)
    calls = storm_on_page(sandbox, 3, count=10)
    run = await load(store.id, days=1, route="SEARCH")
    assert run["status"] == "SUCCEEDED", run
    assert calls["n"] >= 13 + 10
    assert run["processed"] >= len(placed)
    await captured_once(sessions, placed)


async def test_bx2_thirty_minutes_of_429s_at_the_published_plan_are_waited_out(
    shop, amazon, sandbox, scheduled, sessions
):
    """BX-2: Amazon answers 429 to every searchOrders call for 30 virtual minutes; the
    scheduled download keeps asking at the published rate and captures every order."""
    store = await shop("NA")
    placed = await place_orders(amazon, store, sessions, 150)
    started = sandbox.state.clock.now()
    await amazon(
        "POST", "/_sandbox/faults/storm", kind="429", operation="searchOrders", seconds=1800
    )
    entry = await scheduled(store.id)
    assert entry.status is RunStatus.SUCCEEDED, entry.errors
    assert sandbox.state.clock.now() - started >= timedelta(minutes=30)
    await captured_once(sessions, placed)


async def test_bx2_a_run_stopped_by_a_long_storm_keeps_its_pages_and_the_next_run_continues(
    gql, shop, amazon, sandbox, scheduled, sessions
):
    """BX-2: a storm longer than the run will wait: the pages read before it are kept, the
    run says which window remains, and the next scheduled run reads it — no user action."""
    store = await shop("NA")
    placed = await place_orders(amazon, store, sessions, 350)
    until = sandbox.state.clock.now() + timedelta(hours=3)
    storm_on_page(sandbox, 3, until=until)
    stopped = await scheduled(store.id)
    assert stopped.status is RunStatus.FAILED
    # the two pages of 100 that came before the storm were applied as they came
    assert stopped.processed + stopped.skipped + stopped.cancelled >= 190
    assert "read again by the next scheduled download" in stopped.message
    assert f"{stopped.window_start:%Y-%m-%d %H:%M}" in stopped.message
    kept = await logged(sessions)
    assert len(kept) >= stopped.processed > 100
    # the scheduler's next turn after the storm: everything, nothing twice
    await amazon("POST", "/_sandbox/clock", seconds=3 * 3600)
    caught_up = await scheduled(store.id)
    assert caught_up.status is RunStatus.SUCCEEDED
    assert set(placed) - kept and caught_up.processed == len(await logged(sessions) - kept)
    await captured_once(sessions, placed)


async def test_bx2_a_load_stopped_by_a_long_storm_is_continued_by_the_next_scheduled_run(
    shop, amazon, sandbox, load, scheduled, sessions
):
    """BX-2: a load of older orders (behind the store's watermark) that Amazon stops keeps
    its pages, and the next scheduled download goes back to the load's start by itself."""
    store = await shop("NA")
    placed = await place_orders(amazon, store, sessions, 350)
    await amazon("POST", "/_sandbox/clock", seconds=2 * 86400)
    quiet = await scheduled(store.id)  # looks back one day: the orders are older than that
    assert quiet.status is RunStatus.SUCCEEDED and not await logged(sessions)
    storm_on_page(sandbox, 3, until=sandbox.state.clock.now() + timedelta(hours=3))
    stopped = await load(store.id, days=3, route="SEARCH")
    assert stopped["status"] == "FAILED", stopped
    kept = await logged(sessions)
    assert 100 < len(kept) < len(placed)
    await amazon("POST", "/_sandbox/clock", seconds=3 * 3600)
    caught_up = await scheduled(store.id)
    assert caught_up.status is RunStatus.SUCCEEDED, caught_up.errors
    await captured_once(sessions, placed)
