"""Stock levels pushed to the sandbox Amazon by events, jobs and GraphQL (SY-1 … SY-3, OR-10)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from skuport.domain.inventory.stock.service import create_location, receive_stock
from skuport.domain.listings.models import CatalogEntry, CatalogStatus, Fulfilment
from skuport.domain.orders.events import OrdersDownloaded
from skuport.domain.stock_sync import push as push_module
from skuport.domain.stock_sync.holds import hold_uncaptured

CONNECT = """
mutation($input: ConnectStoreInput!) {
  connectStore(input: $input) {
    __typename ... on StoreSaved { store { id marketplaces { marketplace { id code } } } }
    ... on UserError { message }
  }
}
"""
SETTINGS = """
mutation($storeId: ID!, $settings: StoreSettingsInput!) {
  updateStoreSettings(storeId: $storeId, settings: $settings) {
    __typename ... on UserError { message field }
  }
}
"""
DOWNLOAD = """
mutation($storeId: ID!) {
  downloadCatalog(storeId: $storeId) { __typename ... on JobStarted { run { id } } }
}
"""
PUSH_NOW = """
mutation($storeId: ID!) {
  pushStockNow(storeId: $storeId) {
    __typename ... on JobStarted { run { id } } ... on UserError { message field }
  }
}
"""
RUN = """
query($id: ID!) {
  run(id: $id) { ... on OperationRun { operation status processed skipped message
    errors { item reason } } }
}
"""
RUNS = """
query { runs(first: 50) { nodes { id operation status processed message } } }
"""
TRIGGER = """
mutation($name: String!, $target: String) {
  triggerJob(name: $name, target: $target) {
    __typename ... on JobStarted { run { id } } ... on UserError { message }
  }
}
"""
STATUS = """
query($storeId: ID!, $onlyPending: Boolean!) {
  stockPushStatus(storeId: $storeId, onlyPending: $onlyPending, first: 1000) {
    updateStockLevels listingCount pendingCount
    listings { marketplaceId sellerSku productId quantity lastPushed pushedAt pending }
  }
}
"""


@pytest.fixture
def eu_store(gql, app, sellers, connect_input, sessions):
    """The EU seller (5 marketplaces) connected, its catalog downloaded and linked."""

    async def connect(**settings):
        result = await gql(CONNECT, input=connect_input(sellers["EU"]))
        store_id = result["data"]["connectStore"]["store"]["id"]
        wanted = {"createProductIfNotFound": True, "updateStockLevels": True, **settings}
        changed = await gql(SETTINGS, storeId=store_id, settings=wanted)
        assert changed["data"]["updateStoreSettings"]["__typename"] == "StoreSaved", changed
        await gql(DOWNLOAD, storeId=store_id)
        await app.state.services.runner.drain()
        return int(store_id)

    return connect


async def product_of(sessions, sku: str) -> int:
    async with sessions() as session:
        return await session.scalar(
            select(CatalogEntry.product_id).where(CatalogEntry.seller_sku == sku).limit(1)
        )


async def fbm_skus(sessions, store_id: int) -> list[str]:
    async with sessions() as session:
        return sorted(
            set(
                await session.scalars(
                    select(CatalogEntry.seller_sku).where(
                        CatalogEntry.store_id == store_id,
                        CatalogEntry.fulfilment == Fulfilment.FBM,
                        CatalogEntry.product_id.is_not(None),
                    )
                )
            )
        )


async def location(sessions, name: str = "Main") -> int:
    async with sessions() as session, session.begin():
        return (await create_location(session, name=name)).id


async def receive(app, sessions, items: dict[int, int], location_id: int) -> None:
    """Stock arrives; the committed change is published as IN-8 events."""
    async with app.state.services.units() as uow:
        for product_id, quantity in items.items():
            await receive_stock(
                uow.session,
                product_id=product_id,
                location_id=location_id,
                quantity=Decimal(quantity),
            )


async def settle(app, sandbox, minutes: int = 6) -> None:
    """Let the runs finish and Amazon apply what it accepted."""
    await app.state.services.runner.drain()
    sandbox.state.clock.advance(timedelta(minutes=minutes))
    sandbox.tick()


def amazon_quantities(sandbox, seller, sku: str) -> dict[str, int]:
    listing = sandbox.state.listings[(seller.seller_id, sku)]
    return {mp: offer.quantity for mp, offer in listing.offers.items()}


@pytest.fixture
def calls(sandbox, monkeypatch):
    """SP-API calls the sandbox answered, by operation."""
    counted: Counter[str] = Counter()
    original = sandbox.limits.allow

    def counting(seller_id, name, now):  # type: ignore[no-untyped-def]
        counted[name] += 1
        return original(seller_id, name, now)

    monkeypatch.setattr(sandbox.limits, "allow", counting)
    return counted


async def test_sy1_sy2_a_stock_change_reaches_every_marketplace_of_a_global_sku(
    app, eu_store, sessions, sandbox, sellers, calls, gql
):
    """SY-1, SY-2: one receipt → the global SKU shows the same total in all 5 marketplaces."""
    # given a linked FBM listing sold in every EU marketplace
    store_id = await eu_store()
    sku = (await fbm_skus(sessions, store_id))[0]
    before_other = amazon_quantities(
        sandbox, sellers["EU"], (await fbm_skus(sessions, store_id))[1]
    )
    calls.clear()
    # when 7 units arrive
    await receive(app, sessions, {await product_of(sessions, sku): 7}, await location(sessions))
    await settle(app, sandbox)
    # then Amazon shows 7 everywhere, sent as one patch per marketplace, and nothing else moved
    shown = amazon_quantities(sandbox, sellers["EU"], sku)
    assert len(shown) == 5 and set(shown.values()) == {7}
    assert calls["patchListingsItem"] == 5
    other = (await fbm_skus(sessions, store_id))[1]
    assert amazon_quantities(sandbox, sellers["EU"], other) == before_other
    runs = (await gql(RUNS))["data"]["runs"]["nodes"]
    pushes = [r for r in runs if r["operation"] == "stock_push_changes"]
    assert len(pushes) == 1 and pushes[0]["status"] == "SUCCEEDED" and pushes[0]["processed"] == 5


async def test_sy1_only_the_fbm_location_counts_when_one_is_set(
    app, eu_store, sessions, sandbox, sellers
):
    """SY-1: with an FBM location set, stock elsewhere is not offered on Amazon."""
    main, other = await location(sessions, "FBM shelf"), await location(sessions, "Elsewhere")
    store_id = await eu_store(fbmLocationId=str(main))
    sku = (await fbm_skus(sessions, store_id))[0]
    product_id = await product_of(sessions, sku)
    await receive(app, sessions, {product_id: 3}, main)
    await receive(app, sessions, {product_id: 50}, other)
    await settle(app, sandbox)
    assert set(amazon_quantities(sandbox, sellers["EU"], sku).values()) == {3}


async def test_sy1_all_locations_count_without_an_fbm_location(
    app, eu_store, sessions, sandbox, sellers
):
    """SY-1: no FBM location set → available at all locations together."""
    store_id = await eu_store()
    sku = (await fbm_skus(sessions, store_id))[0]
    product_id = await product_of(sessions, sku)
    await receive(app, sessions, {product_id: 3}, await location(sessions, "A"))
    await receive(app, sessions, {product_id: 4}, await location(sessions, "B"))
    await settle(app, sandbox)
    assert set(amazon_quantities(sandbox, sellers["EU"], sku).values()) == {7}


async def test_sy2_fba_listings_are_never_pushed(app, eu_store, sessions, sandbox, sellers, gql):
    """SY-2: an FBA listing keeps Amazon's own count whatever our stock does."""
    store_id = await eu_store()
    async with sessions() as session:
        fba = await session.scalar(
            select(CatalogEntry).where(
                CatalogEntry.store_id == store_id,
                CatalogEntry.fulfilment == Fulfilment.FBA,
                CatalogEntry.product_id.is_not(None),
            )
        )
    before = amazon_quantities(sandbox, sellers["EU"], fba.seller_sku)
    await receive(app, sessions, {fba.product_id: 99}, await location(sessions))
    await settle(app, sandbox)
    started = await gql(PUSH_NOW, role="operations", storeId=str(store_id))
    assert started["data"]["pushStockNow"]["__typename"] == "JobStarted"
    await settle(app, sandbox)
    assert amazon_quantities(sandbox, sellers["EU"], fba.seller_sku) == before
    status = (await gql(STATUS, storeId=str(store_id), onlyPending=False))["data"]
    assert fba.seller_sku not in {r["sellerSku"] for r in status["stockPushStatus"]["listings"]}


async def test_sy3_only_changed_quantities_are_sent(app, eu_store, sessions, sandbox, calls, gql):
    """SY-3: a second push with nothing changed sends nothing; the status shows what was sent."""
    store_id = await eu_store()
    first = await gql(PUSH_NOW, role="operations", storeId=str(store_id))
    run_id = first["data"]["pushStockNow"]["run"]["id"]
    await settle(app, sandbox)
    run = (await gql(RUN, id=run_id))["data"]["run"]
    assert run["status"] == "SUCCEEDED" and run["processed"] > 0, run
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


async def test_sy3_orders_seen_but_not_captured_are_subtracted(
    app, eu_store, sessions, sandbox, sellers, gql
):
    """SY-3: 10 on hand, 3 in an order Amazon has and we have not captured → Amazon shows 7."""
    store_id = await eu_store()
    sku = (await fbm_skus(sessions, store_id))[0]
    async with sessions() as session, session.begin():
        await hold_uncaptured(
            session,
            store_id=store_id,
            amazon_order_id="303-0000000-0000001",
            items=[(sku, Decimal(3))],
            now=sandbox.state.clock.now(),
        )
    await receive(app, sessions, {await product_of(sessions, sku): 10}, await location(sessions))
    await settle(app, sandbox)
    assert set(amazon_quantities(sandbox, sellers["EU"], sku).values()) == {7}


async def test_or10_a_finished_download_pushes_every_store(
    app, eu_store, sessions, sandbox, sellers
):
    """OR-10: after an order download the levels of every store are checked and sent."""
    store_id = await eu_store()
    sku = (await fbm_skus(sessions, store_id))[2]
    async with sessions() as session, session.begin():
        await hold_uncaptured(
            session,
            store_id=store_id,
            amazon_order_id="303-0000000-0000002",
            items=[(sku, Decimal(1))],
            now=sandbox.state.clock.now(),
        )
    # when the orders download announces it finished (holds changed, no availability event)
    await app.state.services.bus.publish(OrdersDownloaded(store_id=store_id))
    await settle(app, sandbox, minutes=10)
    # then every linked FBM listing shows our figure: nothing on hand → 0
    for other in await fbm_skus(sessions, store_id):
        assert set(amazon_quantities(sandbox, sellers["EU"], other).values()) == {0}


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


async def test_sy1_canceled_listings_and_stores_with_the_setting_off_are_not_pushed(
    app, eu_store, sessions, sandbox, sellers, gql
):
    """SY-1: a CANCELED entry is never pushed; with 'update stock levels' off nothing is."""
    store_id = await eu_store()
    skus = await fbm_skus(sessions, store_id)
    async with sessions() as session, session.begin():
        await session.execute(
            update(CatalogEntry)
            .where(CatalogEntry.seller_sku == skus[0])
            .values(status=CatalogStatus.CANCELED)
        )
    canceled_before = amazon_quantities(sandbox, sellers["EU"], skus[0])
    await receive(app, sessions, {await product_of(sessions, skus[0]): 8}, await location(sessions))
    await settle(app, sandbox)
    assert amazon_quantities(sandbox, sellers["EU"], skus[0]) == canceled_before
    # when the setting is turned off, a change goes nowhere and "push now" is refused
    await gql(SETTINGS, storeId=str(store_id), settings={"updateStockLevels": False})
    before = amazon_quantities(sandbox, sellers["EU"], skus[1])
    await receive(
        app, sessions, {await product_of(sessions, skus[1]): 8}, await location(sessions, "B")
    )
    await settle(app, sandbox)
    assert amazon_quantities(sandbox, sellers["EU"], skus[1]) == before
    refused = await gql(PUSH_NOW, role="operations", storeId=str(store_id))
    assert refused["data"]["pushStockNow"]["__typename"] == "InvalidState"
    # and the scheduled job no longer has the store among its targets
    scheduled = await gql(TRIGGER, role="operations", name="stock_push", target=str(store_id))
    assert scheduled["data"]["triggerJob"]["__typename"] == "InvalidInput", scheduled


async def test_sy1_the_scheduled_job_pushes_a_store_with_the_setting_on(
    app, eu_store, sessions, sandbox, sellers, gql
):
    """SY-1 safety net: the per-store `stock_push` job sends what no event announced."""
    store_id = await eu_store()
    sku = (await fbm_skus(sessions, store_id))[0]
    started = await gql(TRIGGER, role="operations", name="stock_push", target=str(store_id))
    assert started["data"]["triggerJob"]["__typename"] == "JobStarted", started
    await settle(app, sandbox)
    assert set(amazon_quantities(sandbox, sellers["EU"], sku).values()) == {0}


async def test_push_now_needs_an_operator(gql, eu_store):
    """Read-only users see the status but cannot push."""
    store_id = await eu_store()
    denied = await gql(PUSH_NOW, role="readonly", storeId=str(store_id))
    assert denied["data"] is None and denied["errors"]
    seen = await gql(STATUS, role="readonly", storeId=str(store_id), onlyPending=True)
    assert seen["data"]["stockPushStatus"]["listingCount"] > 0


async def test_or10_sy3_the_real_order_download_pushes_with_uncaptured_orders_subtracted(
    app, gql, sellers, connect_input, sessions, sandbox
):
    """OR-10, SY-3: the orders download (pending orders held) is followed by a push to Amazon."""
    from skuport.domain.stock_sync.holds import held_quantities
    from skuport.domain.stock_sync.quantities import available_by_product

    # given an NA store pushing stock, its listings linked and 50 of everything in stock
    result = await gql(CONNECT, input=connect_input(sellers["NA"]))
    store_id = int(result["data"]["connectStore"]["store"]["id"])
    settings = {"createProductIfNotFound": True, "updateStockLevels": True}
    await gql(SETTINGS, storeId=str(store_id), settings=settings)
    await gql(DOWNLOAD, storeId=str(store_id))
    await app.state.services.runner.drain()
    skus = await fbm_skus(sessions, store_id)
    products = {sku: await product_of(sessions, sku) for sku in skus}
    await receive(app, sessions, dict.fromkeys(products.values(), 50), await location(sessions))
    await settle(app, sandbox)
    # when the orders are downloaded (pending ones are held, paid ones captured)
    started = await gql(TRIGGER, role="operations", name="orders_download", target=str(store_id))
    assert started["data"]["triggerJob"]["__typename"] == "JobStarted", started
    await settle(app, sandbox, minutes=10)
    # then a push of every listing followed, and Amazon shows available less what is held
    runs = (await gql(RUNS))["data"]["runs"]["nodes"]
    assert any(
        r["operation"] == "stock_push_changes" and r["message"].startswith("every listing")
        for r in runs
    ), runs
    async with sessions() as session:
        held = await held_quantities(session, store_id=store_id)
        available = await available_by_product(
            session, product_ids=products.values(), location_id=None
        )
    assert held, "the sandbox has pending FBM orders"
    for sku, product_id in products.items():
        expected = max(0, int(available[product_id] - held.get(sku, Decimal(0))))
        assert set(amazon_quantities(sandbox, sellers["NA"], sku).values()) == {expected}, sku
