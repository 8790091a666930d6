"""Issue 18 / SY-1: a stock take imported from a spreadsheet reaches Amazon with the next push."""

from __future__ import annotations

import json

from skuport.domain.inventory.products.models import Product
from tests.domain.inventory.imports_support import xlsx_file
from tests.e2e.stock_push_support import (
    amazon_quantities,
    fbm_skus,
    location,
    product_of,
    receive,
    settle,
)

IMPORT = """
mutation($file: Upload) {
  importStockTake(file: $file) {
    __typename
    ... on ImportChecked { adjusted unchanged }
    ... on ImportRefused { problems { row message } }
  }
}
"""


async def test_sy1_the_counted_quantities_of_a_stock_take_are_pushed_to_amazon(
    app, http, tokens, eu_store, sessions, sandbox, sellers
):
    """The adjustments of an uploaded stock take start the push; Amazon shows the counts."""
    # given a linked FBM listing with 5 on the shelf, and another listing left alone
    store_id = await eu_store()
    counted_sku, other_sku = (await fbm_skus(sessions, store_id))[:2]
    product_id = await product_of(sessions, counted_sku)
    shelf = await location(sessions, "Shelf")
    await receive(app, sessions, {product_id: 5}, shelf)
    await settle(app, sandbox)
    assert set(amazon_quantities(sandbox, sellers["EU"], counted_sku).values()) == {5}
    other_before = amazon_quantities(sandbox, sellers["EU"], other_sku)
    async with sessions() as session:
        sku = (await session.get(Product, product_id)).sku
    # when the stock take counts 12 of it on the shelf
    content = xlsx_file([["sku", "location", "counted quantity"], [sku, "Shelf", 12]])
    response = await http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": IMPORT, "variables": {"file": None}}),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        files={"0": ("stock-take.xlsx", content, "application/octet-stream")},
        headers={"Authorization": f"Bearer {tokens['operations']}"},
    )
    assert response.json()["data"]["importStockTake"] == {
        "__typename": "ImportChecked",
        "adjusted": 1,
        "unchanged": 0,
    }
    await settle(app, sandbox)
    # then Amazon shows 12 in every marketplace of that listing, and the other did not move
    shown = amazon_quantities(sandbox, sellers["EU"], counted_sku)
    assert len(shown) == 5 and set(shown.values()) == {12}
    assert amazon_quantities(sandbox, sellers["EU"], other_sku) == other_before
