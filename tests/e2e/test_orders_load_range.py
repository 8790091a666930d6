"""OR-1: a load range is read by the server's clock; one with nothing to load is refused."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from tests.e2e import test_orders_support as support

amazon, shop = support.amazon, support.shop


async def load(gql, store_id: str, start: datetime, end: datetime | None = None) -> dict:
    variables = {"storeId": store_id, "from": start.isoformat()}
    if end is not None:
        variables["to"] = end.isoformat()
    return (await gql(support.LOAD, role="operations", **variables))["data"]["loadOrders"]


async def test_or1_a_range_after_the_servers_clock_is_refused_naming_the_field(gql, shop, sandbox):
    """OR-1: a range starting after the server's clock has nothing to load: refused on `from`;
    one ending after today: refused on `to` (the two clocks disagree)."""
    store = await shop("NA")
    now = sandbox.state.clock.now()
    future = await load(gql, store.id, now + timedelta(hours=1), now + timedelta(hours=5))
    assert future["__typename"] == "InvalidInput" and future["field"] == "from"
    assert "nothing to load yet" in future["message"]
    just_now = await load(gql, store.id, now - timedelta(minutes=1))
    assert just_now["__typename"] == "InvalidInput" and just_now["field"] == "from"
    late = await load(gql, store.id, now - timedelta(days=1), now + timedelta(days=3))
    assert late["__typename"] == "InvalidInput" and late["field"] == "to"
    assert "up to now at the latest" in late["message"]


async def test_or1_a_range_ending_today_loads_up_to_now(gql, shop, sandbox, app):
    """OR-1: "until the end of today" (the runbook's whole days) reads up to now."""
    store = await shop("NA")
    now = sandbox.state.clock.now()
    end_of_today = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=UTC)
    started = await load(gql, store.id, now - timedelta(days=1), end_of_today)
    assert started["__typename"] == "JobStarted", started
    await app.state.services.runner.drain()
    run = (await gql(support.RUN, id=started["run"]["id"]))["data"]["run"]
    assert run["status"] == "SUCCEEDED" and run["message"] != "nothing to download"
    assert run["windowStart"] < run["windowEnd"] <= now.isoformat()
