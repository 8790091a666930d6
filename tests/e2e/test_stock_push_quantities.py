"""SY-1/SY-2/SY-3: which quantity reaches which marketplace of the sandbox Amazon."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from skuport.domain.listings.models import CatalogEntry, Fulfilment
from skuport.domain.stock_sync.holds import hold_uncaptured
from tests.e2e.stock_push_support import (
    PUSH_NOW,
    RUNS,
    STATUS,
    amazon_quantities,
    fbm_skus,
    location,
    product_of,
    receive,
    settle,
)


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
