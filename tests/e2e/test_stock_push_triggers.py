"""SY-1/OR-10: what starts a stock push: downloads, the scheduled job, push now, settings."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import update

from skuport.domain.listings.models import CatalogEntry, CatalogStatus
from skuport.domain.orders.events import OrdersDownloaded
from skuport.domain.stock_sync.holds import hold_uncaptured
from tests.e2e.stock_push_support import (
    CONNECT,
    DOWNLOAD,
    PUSH_NOW,
    RUNS,
    SETTINGS,
    STATUS,
    TRIGGER,
    amazon_quantities,
    fbm_skus,
    location,
    product_of,
    receive,
    settle,
)


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
