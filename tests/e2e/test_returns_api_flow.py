"""BX-1 through the API, end to end: Amazon refunds and returns (staged through the sandbox's
control API), the `returns` job run on demand, then what the analyst reads and does in GraphQL."""

from __future__ import annotations

from decimal import Decimal

from tests.e2e import test_orders_support as support
from tests.e2e.orders_processing_support import figures, new_order

amazon, shop, scheduled = support.amazon, support.shop, support.scheduled

RUN_RETURNS = """
mutation($storeId: String!) {
  triggerJob(name: "returns", target: $storeId) {
    __typename ... on JobStarted { run { id } } ... on UserError { message }
  }
}
"""
RUN = (
    "query($id: ID!) { run(id: $id) { ... on OperationRun { status message errors { reason } } } }"
)
REFUNDS = """
query($storeId: ID!) {
  refunds(storeId: $storeId) {
    id amazonOrderId status amount currency problem creditNoteId paymentId
  }
}
"""
RETURNS = """
query($storeId: ID!, $channel: ReturnChannel) {
  returns(storeId: $storeId, channel: $channel) {
    id amazonOrderId sku quantity channel state restockedQuantity awaitingConfirmation
  }
}
"""
CONFIRM = """
mutation($id: ID!, $quantity: Int!) {
  confirmReturnReceived(returnId: $id, quantity: $quantity, condition: SELLABLE) {
    __typename
    ... on ReturnConfirmed { customerReturn { state restockedQuantity awaitingConfirmation } }
    ... on UserError { message field }
  }
}
"""


async def run_returns(gql, app, store_id: str) -> dict:
    """Run the store's returns job now, as an operations user would from runbook 00."""
    started = await gql(RUN_RETURNS, role="operations", storeId=store_id)
    assert started["data"]["triggerJob"]["__typename"] == "JobStarted", started
    await app.state.services.runner.drain()
    run = await gql(RUN, id=started["data"]["triggerJob"]["run"]["id"])
    return run["data"]["run"]


async def captured_order(gql, shop, amazon, scheduled, sessions, **settings):
    store = await shop("NA", invoiceStatus="AUTHORISED", **settings)
    await gql(support.SETTINGS, storeId=store.id, settings={"paymentAccountId": str(store.bank_id)})
    order, items, product_ids = await new_order(amazon, store, sessions)
    await scheduled(store.id)
    return store, order, items, product_ids


async def test_bx1_a_refund_at_amazon_is_credited_and_read_twice_once(
    gql, app, shop, amazon, scheduled, sessions, sandbox
):
    """BX-1: a full refund staged at Amazon shows in `refunds` as credited with its credit note
    and refund payment; reading Amazon again changes nothing."""
    store, order, _, _ = await captured_order(gql, shop, amazon, scheduled, sessions)
    await amazon("POST", f"/_sandbox/orders/{order['orderId']}/refund")
    await amazon("POST", "/_sandbox/clock", seconds=900)

    first = await run_returns(gql, app, store.id)
    again = await run_returns(gql, app, store.id)

    assert first["status"] == "SUCCEEDED", first
    assert again["status"] == "SUCCEEDED", again
    refunds = (await gql(REFUNDS, role="finance", storeId=store.id))["data"]["refunds"]
    [refund] = [r for r in refunds if r["amazonOrderId"] == order["orderId"]]
    assert refund["status"] == "CREDITED" and refund["problem"] == ""
    assert refund["creditNoteId"] and refund["paymentId"]
    assert Decimal(refund["amount"]) != 0 and refund["currency"] == "USD"


async def test_bx1_an_fbm_return_waits_for_confirmation_then_restocks(
    gql, app, shop, amazon, scheduled, sessions, sandbox
):
    """BX-1: with manual confirmation on, a received FBM return waits in `returns`; operations
    confirms it and the units are back on hand at the store's returns location."""
    store, order, items, product_ids = await captured_order(
        gql,
        shop,
        amazon,
        scheduled,
        sessions,
        confirmReturnsManually=True,
    )
    await gql(
        support.SETTINGS, storeId=store.id, settings={"returnsLocationId": str(store.location_id)}
    )
    sku = items[0]["product"]["sellerSku"]
    before = await figures(sessions, store, product_ids[0])
    await amazon(
        "POST",
        f"/_sandbox/orders/{order['orderId']}/return",
        sku=sku,
        quantity=1,
        disposition="SELLABLE",
        reason="UNWANTED_ITEM",
        received=True,
    )
    await amazon("POST", "/_sandbox/clock", seconds=900)

    ran = await run_returns(gql, app, store.id)
    waiting = await gql(RETURNS, role="readonly", storeId=store.id, channel="MFN")

    assert ran["status"] == "SUCCEEDED", ran
    [row] = [r for r in waiting["data"]["returns"] if r["amazonOrderId"] == order["orderId"]]
    assert row["sku"] == sku and row["awaitingConfirmation"] is True
    assert await figures(sessions, store, product_ids[0]) == before  # nothing restocked yet

    confirmed = await gql(CONFIRM, role="operations", id=row["id"], quantity=1)

    answer = confirmed["data"]["confirmReturnReceived"]
    assert answer["__typename"] == "ReturnConfirmed", answer
    assert answer["customerReturn"] == {
        "state": "RESTOCKED",
        "restockedQuantity": 1,
        "awaitingConfirmation": False,
    }
    after = await figures(sessions, store, product_ids[0])
    assert after.on_hand == before.on_hand + 1
    again = await gql(CONFIRM, role="operations", id=row["id"], quantity=1)
    assert again["data"]["confirmReturnReceived"]["__typename"] == "InvalidState"


RETRY = """
mutation($id: ID!) {
  retryRefund(refundId: $id) {
    __typename
    ... on RefundRetried { refund { status problem creditNoteId } }
    ... on UserError { message field }
  }
}
"""
AUTHORISE = """
mutation($id: ID!) { authoriseInvoice(invoiceId: $id) { __typename } }
"""
SALE_INVOICE = """
query($id: ID!) { sale(id: $id) { invoice { id } } }
"""
LOG = """
query($storeId: ID!, $orderId: String) {
  orderLog(storeId: $storeId, filter: {amazonOrderId: $orderId}, first: 5) {
    nodes { sale { id } }
  }
}
"""


async def test_bx1_finance_retries_a_blocked_refund_once_its_invoice_is_authorised(
    gql, app, shop, amazon, scheduled, sessions, sandbox
):
    """BX-1: a refund of an order whose invoice is a draft needs attention with its reason;
    retrying before the cause is fixed says so again, after it the refund is credited."""
    store = await shop("NA")  # invoices stay drafts
    order, _, _ = await new_order(amazon, store, sessions)
    await scheduled(store.id)
    await amazon("POST", f"/_sandbox/orders/{order['orderId']}/refund")
    await amazon("POST", "/_sandbox/clock", seconds=900)
    await run_returns(gql, app, store.id)
    refunds = (await gql(REFUNDS, role="finance", storeId=store.id))["data"]["refunds"]
    [blocked] = [r for r in refunds if r["amazonOrderId"] == order["orderId"]]
    assert blocked["status"] == "NEEDS_ATTENTION" and "authorise" in blocked["problem"]

    early = await gql(RETRY, role="finance", id=blocked["id"])
    log = await gql(LOG, storeId=store.id, orderId=order["orderId"])
    sale_id = log["data"]["orderLog"]["nodes"][0]["sale"]["id"]
    invoice = (await gql(SALE_INVOICE, id=sale_id))["data"]["sale"]["invoice"]
    await gql(AUTHORISE, role="finance", id=invoice["id"])
    late = await gql(RETRY, role="finance", id=blocked["id"])

    still = early["data"]["retryRefund"]
    assert still["__typename"] == "RefundRetried"
    assert still["refund"]["status"] == "NEEDS_ATTENTION" and still["refund"]["problem"]
    credited = late["data"]["retryRefund"]
    assert credited["refund"]["status"] == "CREDITED" and credited["refund"]["creditNoteId"]
    twice = await gql(RETRY, role="finance", id=blocked["id"])
    assert twice["data"]["retryRefund"]["__typename"] == "InvalidState"
