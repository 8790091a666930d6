"""The order log, operation log, notifications and roles (LG-1 … LG-4, BX-4)."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from starlette.testclient import TestClient

from skuport.domain.inventory.sales.models import Sale, SaleStatus
from skuport.domain.jobs import Trigger
from skuport.domain.orders.models import OrderLogEntry
from skuport.server.app import create_app
from tests.e2e import test_orders_support as support
from tests.e2e.test_orders_support import CONNECT, NOTIFICATIONS, count, log_rows

amazon, shop, load, scheduled = support.amazon, support.shop, support.load, support.scheduled
drain = support.drain

DELETE = """
mutation($id: ID!) {
  deleteLogEntry(id: $id) { __typename ... on LogEntryDeleted { id } ... on UserError { message } }
}
"""
RELOAD = """
mutation($storeId: ID!, $orderId: String!) {
  reloadOrder(storeId: $storeId, amazonOrderId: $orderId) {
    __typename ... on JobStarted { run { id } } ... on UserError { message field }
  }
}
"""
MARK_READ = "mutation { markNotificationsRead { count } }"
RUN_DETAIL = """
query($id: ID!) {
  run(id: $id) { ... on OperationRun { trigger triggeredBy windowStart windowEnd processed
    skipped cancelled durationMs finishedAt errors { item reason } } }
}
"""


async def first_order(gql, load, shop, **settings):
    store = await shop("NA", **settings)
    await load(store.id, days=3, route="SEARCH")
    rows = await log_rows(gql, store.id)
    assert rows
    return store, rows


async def test_the_log_shows_each_order_with_its_sale(gql, shop, load):
    """LG-1: store, marketplace, order id, status, time, and the sale's state."""
    store, rows = await first_order(gql, load, shop, invoiceStatus="AUTHORISED")
    for row in rows:
        assert row["amazonStatus"] in ("UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED")
        assert row["sale"]["number"].startswith("SO-")
        assert row["sale"]["invoiceStatus"] == "authorised"
        assert row["sale"]["pickStatus"] == "not_started"
    processed = await gql(support.LOG, storeId=store.id, filter={"state": "PROCESSED"})
    assert processed["data"]["orderLog"]["totalCount"] == len(rows)


async def test_deleting_an_entry_keeps_the_sale_and_allows_a_recapture(gql, shop, load, sessions):
    """LG-2: the entry goes, its sale stays; the next load captures the order again."""
    store, rows = await first_order(gql, load, shop)
    victim = rows[0]
    deleted = await gql(DELETE, role="operations", id=victim["id"])
    assert deleted["data"]["deleteLogEntry"] == {
        "__typename": "LogEntryDeleted",
        "id": victim["id"],
    }
    async with sessions() as session:
        kept = await session.get(Sale, int(victim["sale"]["id"]))
    assert kept.status is SaleStatus.ORDERED
    await load(store.id, days=3, route="SEARCH")
    again = await log_rows(gql, store.id, amazonOrderId=victim["amazonOrderId"])
    assert len(again) == 1 and again[0]["sale"]["id"] != victim["sale"]["id"]
    missing = await gql(DELETE, role="operations", id="999999")
    assert missing["data"]["deleteLogEntry"]["__typename"] == "NotFound"


async def test_reloading_an_order_voids_its_sale_and_captures_it_afresh(
    gql, shop, load, drain, sessions
):
    """LG-3: void the sale task, delete the entry, load from before the order."""
    store, rows = await first_order(gql, load, shop)
    victim = rows[0]
    started = await gql(
        RELOAD, role="operations", storeId=store.id, orderId=victim["amazonOrderId"]
    )
    assert started["data"]["reloadOrder"]["__typename"] == "JobStarted", started
    await drain()
    async with sessions() as session:
        old = await session.get(Sale, int(victim["sale"]["id"]))
        sales = list(
            await session.scalars(select(Sale).where(Sale.reference == victim["amazonOrderId"]))
        )
    assert old.status is SaleStatus.VOIDED
    assert len(sales) == 2 and sum(s.status is SaleStatus.ORDERED for s in sales) == 1
    new = await log_rows(gql, store.id, amazonOrderId=victim["amazonOrderId"])
    assert new[0]["state"] == "PROCESSED" and new[0]["sale"]["id"] != victim["sale"]["id"]
    unknown = await gql(RELOAD, role="operations", storeId=store.id, orderId="000-0000000-0000000")
    assert unknown["data"]["reloadOrder"]["__typename"] == "NotFound"


async def test_every_run_is_in_the_operation_log(gql, shop, load, scheduled):
    """LG-4: trigger, window, counts, errors, duration — for user and scheduler runs."""
    store = await shop("NA")
    run = await load(store.id, days=3, route="SEARCH")
    assert run["windowStart"] and run["windowEnd"] and run["processed"] > 0
    entry = await scheduled(store.id)
    detail = (await gql(RUN_DETAIL, id=str(entry.id)))["data"]["run"]
    assert detail["trigger"] == Trigger.SCHEDULER.name
    assert detail["durationMs"] is not None and detail["finishedAt"]
    assert detail["skipped"] == len([e for e in detail["errors"] if e["item"]])


async def test_operations_load_and_readonly_only_reads(gql, shop):
    """Roles: operations may load and process; read-only may read the log but not change it."""
    store = await shop("NA")
    refused = await gql(
        support.LOAD, role="readonly", storeId=store.id, **{"from": "2026-07-30T00:00:00Z"}
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    refused = await gql(support.PROCESS, role="finance", storeId=store.id)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "errors" not in await gql(support.LOG, role="finance", storeId=store.id)
    assert "errors" not in await gql(support.PENDING, role="readonly", storeId=store.id)
    anonymous = await gql(NOTIFICATIONS, role=None)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_notifications_are_read_and_marked(gql, shop, load):
    """OR-8: skips post notifications; users mark them read."""
    store = await shop("NA", mapped=False)
    await load(store.id, days=3, route="SEARCH")
    unread = (await gql(NOTIFICATIONS))["data"]["notifications"]
    assert unread["totalCount"] > 0
    # read state is shared, so only those who act on notifications change it (issue 15.7)
    refused = await gql(MARK_READ, role="readonly")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    marked = await gql(MARK_READ, role="operations")
    assert marked["data"]["markNotificationsRead"]["count"] == unread["totalCount"]
    assert (await gql(NOTIFICATIONS))["data"]["notifications"]["totalCount"] == 0


PROTOCOL = "graphql-transport-ws"
POSTED = "subscription { notificationsPosted { kind message } }"


async def test_notifications_stream_to_subscribers(
    settings, tokens, sandbox_app, sandbox, sellers, connect_input, sessions
):
    """BX-4: a skipped order's notification arrives over graphql-transport-ws."""
    clock = sandbox.state.clock
    app = create_app(
        settings,
        clock=clock,
        amazon_transport=httpx.ASGITransport(app=sandbox_app),
        amazon_sleep=clock.sleep,
    )
    headers = {"Authorization": f"Bearer {tokens['admin']}"}
    with TestClient(app) as client:
        saved = client.post(
            "/graphql",
            json={"query": CONNECT, "variables": {"input": connect_input(sellers["NA"])}},
            headers=headers,
        ).json()
        store_id = saved["data"]["connectStore"]["store"]["id"]
        with client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
            ws.send_json(
                {
                    "type": "connection_init",
                    "payload": {"Authorization": f"Bearer {tokens['readonly']}"},
                }
            )
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": POSTED}})
            # when a load skips orders (no tax mapping)
            started = client.post(
                "/graphql",
                json={
                    "query": support.LOAD,
                    "variables": {
                        "storeId": store_id,
                        "from": "2026-07-31T00:00:00Z",
                        "route": "SEARCH",
                    },
                },
                headers=headers,
            ).json()
            assert started["data"]["loadOrders"]["__typename"] == "JobStarted", started
            message = ws.receive_json()
            assert message["type"] == "next", message
            posted = message["payload"]["data"]["notificationsPosted"]
            assert posted["kind"] == "order_capture"
            assert "tax_mapping_incomplete" in posted["message"]
    assert await count(sessions, OrderLogEntry) == 0


async def test_a_load_needs_a_known_store_and_a_sensible_range(gql, shop):
    """OR-1: typed refusals for a load that cannot run."""
    store = await shop("NA")
    backwards = await gql(
        support.LOAD,
        storeId=store.id,
        **{"from": "2026-07-30T00:00:00Z", "to": "2026-07-29T00:00:00Z"},
    )
    assert backwards["data"]["loadOrders"] == {
        "__typename": "InvalidInput", "message": "`to` must be after `from`", "field": "to",
    }  # fmt: skip
    unknown = await gql(support.LOAD, storeId="999", **{"from": "2026-07-30T00:00:00Z"})
    assert unknown["data"]["loadOrders"]["__typename"] == "NotFound"
