"""Opening stock from the catalog download, on request and only once (BX-6, CA-5)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from skuport.domain.inventory.products.models import Product
from skuport.domain.inventory.stock.models import StockMovement
from tests.e2e.catalog.support import RUN, count

OPENING = """
mutation($storeId: ID!) {
  downloadCatalog(storeId: $storeId, importOpeningStock: true) {
    __typename ... on JobStarted { run { id } }
  }
}
"""


async def test_opening_stock_is_imported_only_on_request_and_only_once(
    gql, store, app, sessions, sandbox, sellers
):
    """BX-6 (with CA-5): an opt-in import receives FBM listing quantities as opening stock."""
    from skuport.domain.inventory.stock.service import create_location, stock_everywhere

    async with sessions() as session, session.begin():
        warehouse = await create_location(session, name="Main warehouse")
    store_id, _ = await store(createProductIfNotFound=True, fbmLocationId=str(warehouse.id))

    async def opening() -> dict:
        started = await gql(OPENING, role="operations", storeId=store_id)
        run_id = started["data"]["downloadCatalog"]["run"]["id"]
        await app.state.services.runner.drain()
        return (await gql(RUN, id=run_id))["data"]["run"]

    first = await opening()
    assert first["status"] == "SUCCEEDED", first
    seller = sellers["NA"]
    listing = next(
        lst for (sid, _), lst in sorted(sandbox.state.listings.items())
        if sid == seller.seller_id and lst.product_type == "HOME"
        and any(o.fulfillment == "DEFAULT" and o.quantity > 0 for o in lst.offers.values())
    )  # fmt: skip
    expected = max(o.quantity for o in listing.offers.values() if o.fulfillment == "DEFAULT")
    async with sessions() as session:
        product = await session.scalar(select(Product).where(Product.sku == listing.sku))
        figure = await stock_everywhere(session, product_id=product.id)
    assert figure.on_hand == Decimal(expected)
    assert "opening stock received for" in first["message"]
    # a second import leaves products with stock history alone
    movements = await count(sessions, StockMovement)
    second = await opening()
    assert await count(sessions, StockMovement) == movements
    assert any("not an opening" in e["reason"] for e in second["errors"])
