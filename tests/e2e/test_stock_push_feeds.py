"""SY-1/SY-3: what a push sends: changed quantities only, one feed per burst, per-SKU errors."""

from __future__ import annotations

from skuport.domain.stock_sync import push as push_module
from tests.e2e.stock_push_support import (
    PUSH_NOW,
    RUN,
    RUNS,
    STATUS,
    amazon_quantities,
    fbm_skus,
    location,
    product_of,
    receive,
    settle,
)


async def test_sy3_only_changed_quantities_are_sent(app, eu_store, sessions, sandbox, calls, gql):
    """SY-3: a push with nothing changed sends nothing; the status shows what was sent (here
    by the push the catalog download started when it linked the listings, SY-1)."""
    store_id = await eu_store()
    runs = (await gql(RUNS))["data"]["runs"]["nodes"]
    pushes = [r for r in runs if r["operation"] == "stock_push"]
    assert any(r["status"] == "SUCCEEDED" and r["processed"] > 0 for r in pushes), pushes
    status = (await gql(STATUS, storeId=str(store_id), onlyPending=False))["data"]
    status = status["stockPushStatus"]
    assert status["updateStockLevels"] and status["pendingCount"] == 0
    assert all(r["lastPushed"] == r["quantity"] == 0 and r["pushedAt"] for r in status["listings"])
    calls.clear()
    second = await gql(PUSH_NOW, role="operations", storeId=str(store_id))
    await settle(app, sandbox)
    run = (await gql(RUN, id=second["data"]["pushStockNow"]["run"]["id"]))["data"]["run"]
    assert run["processed"] == 0 and "0 quantities sent" in run["message"]
    assert calls["patchListingsItem"] == 0 and calls["createFeed"] == 0


async def test_sy1_a_burst_of_changes_goes_as_one_feed_per_marketplace(
    app, eu_store, sessions, sandbox, sellers, calls, monkeypatch
):
    """SY-1 batched: many changed listings are sent as one JSON_LISTINGS_FEED per marketplace."""
    monkeypatch.setattr(push_module, "PATCH_LIMIT", 2)
    store_id = await eu_store()
    skus = await fbm_skus(sessions, store_id)
    products = {await product_of(sessions, sku): 5 + index for index, sku in enumerate(skus)}
    calls.clear()
    await receive(app, sessions, products, await location(sessions))
    await settle(app, sandbox)
    for index, sku in enumerate(skus):
        assert set(amazon_quantities(sandbox, sellers["EU"], sku).values()) == {5 + index}
    assert calls["createFeed"] == 5 and calls["patchListingsItem"] == 0
    assert calls["getFeedDocument"] == 5


async def test_sy1_per_sku_feed_errors_are_reported_and_retried(
    app, eu_store, sessions, sandbox, sellers, monkeypatch, gql
):
    """SY-1: a SKU the feed report refuses is not marked sent, so the next push tries again."""
    monkeypatch.setattr(push_module, "PATCH_LIMIT", 2)
    store_id = await eu_store()
    skus = await fbm_skus(sessions, store_id)
    gone = sandbox.state.listings.pop((sellers["EU"].seller_id, skus[0]))
    await receive(
        app,
        sessions,
        {await product_of(sessions, sku): 4 for sku in skus},
        await location(sessions),
    )
    await settle(app, sandbox)
    runs = (await gql(RUNS))["data"]["runs"]["nodes"]
    push = next(r for r in runs if r["operation"] == "stock_push_changes")
    run = (await gql(RUN, id=push["id"]))["data"]["run"]
    assert run["skipped"] == 5 and any(skus[0] in e["item"] for e in run["errors"]), run
    status = (await gql(STATUS, storeId=str(store_id), onlyPending=True))["data"]
    assert {r["sellerSku"] for r in status["stockPushStatus"]["listings"]} == {skus[0]}
    # when the listing is back, the next push sends just that one
    sandbox.state.listings[(sellers["EU"].seller_id, skus[0])] = gone
    await gql(PUSH_NOW, role="operations", storeId=str(store_id))
    await settle(app, sandbox)
    assert set(amazon_quantities(sandbox, sellers["EU"], skus[0]).values()) == {4}
