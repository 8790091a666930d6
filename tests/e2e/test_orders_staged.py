"""Issue 11 — orders staged through the sandbox's control API, loaded through Skuport (OR-1,
OR-4, OR-5): the same SKU on two lines and a yen order keep Amazon's totals exactly."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from tests.e2e import test_orders_support as support
from tests.e2e.orders_processing_support import sale_and_invoice
from tests.e2e.test_orders_support import log_rows, stock_product

amazon, shop, load = support.amazon, support.shop, support.load


async def _stage(amazon, store, **order) -> dict:
    staged = (await amazon("POST", "/_sandbox/orders", sellerId=store.seller_id, **order))["order"]
    # Amazon lists new orders two minutes late: come back a quarter of an hour later
    await amazon("POST", "/_sandbox/clock", seconds=900)
    return staged


async def test_the_same_sku_on_two_lines_becomes_one_sale_with_both_lines(
    gql, shop, load, amazon, sessions
):
    """OR-1, OR-4: each Amazon line is a sale line; the sale's total is Amazon's to the cent."""
    store = await shop("NA")
    await stock_product(sessions, "STAGED-MUG", store.location_id, 10)
    staged = await _stage(
        amazon,
        store,
        marketplaceId=store.codes["US"],
        shipTo={"countryCode": "US", "postalCode": "10001", "city": "New York"},
        lines=[
            {"sku": "STAGED-MUG", "quantity": 2, "unitPrice": "10.00", "promotionDiscount": "1.50"},
            {"sku": "STAGED-MUG", "quantity": 1, "unitPrice": "9.00", "giftWrap": "3.00"},
        ],
    )
    run = await load(store.id, days=1, route="SEARCH")
    assert run["status"] == "SUCCEEDED", run
    (row,) = [r for r in await log_rows(gql, store.id) if r["amazonOrderId"] == staged["orderId"]]
    assert row["state"] == "PROCESSED", row
    sale = await sale_and_invoice(gql, row["sale"]["id"])
    products = [(line["productId"], line["quantity"]) for line in sale["lines"]]
    assert products[:2] == [(products[0][0], "2"), (products[0][0], "1")], products
    assert products[0][0] is not None
    assert Decimal(sale["invoice"]["total"]) == Decimal(staged["proceeds"]["grandTotal"]["amount"])


async def test_a_yen_order_keeps_whole_yen_totals(gql, shop, load, amazon, sessions, sellers):
    """OR-5: a Japanese store's JPY order totals to the yen, as Amazon's."""
    credentials = await amazon(
        "POST", "/_sandbox/sellers", name="Tokyo Traders", region="FE", countries=["JP"]
    )
    sellers["FE"] = SimpleNamespace(
        region="FE",
        seller_id=credentials["sellerId"],
        client_id=credentials["clientId"],
        client_secret=credentials["clientSecret"],
        refresh_token=credentials["refreshToken"],
    )
    store = await shop("FE")
    await stock_product(sessions, "JP-MUG", store.location_id, 10)
    staged = await _stage(
        amazon,
        store,
        shipTo={"countryCode": "JP", "postalCode": "150-0002"},
        lines=[
            {"sku": "JP-MUG", "quantity": 3, "unitPrice": 1280, "promotionDiscount": 100},
            {"sku": "JP-MUG", "quantity": 1, "unitPrice": 990, "shippingPrice": 350},
        ],
    )
    assert staged["proceeds"]["grandTotal"] == {"amount": "5080", "currencyCode": "JPY"}
    run = await load(store.id, days=1, route="SEARCH")
    assert run["status"] == "SUCCEEDED", run
    (row,) = await log_rows(gql, store.id)
    assert row["state"] == "PROCESSED", row
    sale = await sale_and_invoice(gql, row["sale"]["id"])
    assert Decimal(sale["invoice"]["total"]) == Decimal(5080)
