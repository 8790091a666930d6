"""Orders, stock figures and GraphQL helpers shared by the processing and cancellation tests."""

from __future__ import annotations

from skuport.domain.inventory.stock.service import stock_at
from tests.e2e.test_orders_support import ATTENTION, stock_product


async def new_order(amazon, store, sessions, *, status="UNSHIPPED", stock=10, variant=2):
    """An order placed on Amazon now, whose first SKU we sell with `stock` units on hand."""
    created = (
        await amazon(
            "POST", "/_sandbox/orders", sellerId=store.seller_id, status=status, variant=variant
        )
    )["order"]
    items = [i for i in created["orderItems"] if i["product"].get("sellerSku")]
    product_ids = [
        await stock_product(sessions, item["product"]["sellerSku"], store.location_id, stock)
        for item in items
    ]
    # Amazon lists changes 2 minutes late; a quarter of an hour later is the next scheduled slot
    await amazon("POST", "/_sandbox/clock", seconds=900)
    return created, items, product_ids


async def figures(sessions, store, product_id):
    async with sessions() as session:
        return await stock_at(session, product_id=product_id, location_id=store.location_id)


SALE = """
query($id: ID!) {
  sale(id: $id) {
    status lines { id productId quantity description }
    invoice { status total paid credited balance paymentStatus
      payments { amount accountId reference } creditNotes { total } }
  }
}
"""


async def sale_and_invoice(gql, sale_id: str) -> dict:
    result = await gql(SALE, id=sale_id)
    assert "errors" not in result, result
    return result["data"]["sale"]


async def attention_for(gql, store, order_id: str) -> list[dict]:
    items = (await gql(ATTENTION, storeId=store.id))["data"]["attentionItems"]
    return [i for i in items if i["amazonOrderId"] == order_id]


async def cancel_on_amazon(amazon, scheduled, store, order):
    await amazon("POST", f"/_sandbox/orders/{order['orderId']}/cancel")
    await amazon("POST", "/_sandbox/clock", seconds=900)
    return await scheduled(store.id)
