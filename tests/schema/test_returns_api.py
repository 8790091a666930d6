"""BX-1 over GraphQL: refunds, returns and the returns audit; who may confirm and retry.

What the `returns` job records is set up here as the job leaves it (no Amazon needed); the job
itself, with Amazon's side staged through the sandbox, is tested end to end elsewhere.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from skuport.domain.stores.models import Region, Store, StoreSettings
from tests.schema.returns_support import seed_returns

REFUND = "id amazonOrderId postedAt status amount currency quantity problem creditNoteId"
RETURN = (
    "id amazonOrderId sku quantity channel disposition reason state restockedQuantity "
    "receivedQuantity awaitingConfirmation revisedAfterRestock"
)
REFUNDS = f"""
query($storeId: ID!, $status: RefundStatus, $after: ID, $first: Int) {{
  refunds(storeId: $storeId, status: $status, after: $after, first: $first) {{ {REFUND} }}
}}
"""
RETURNS = f"""
query($storeId: ID!, $state: ReturnState, $channel: ReturnChannel) {{
  returns(storeId: $storeId, state: $state, channel: $channel) {{ {RETURN} }}
}}
"""
AUDIT = f"""
query($storeId: ID!) {{
  returnsAudit(storeId: $storeId) {{
    days
    returnsWithoutRefund {{ amazonOrderId sku }}
    refundsWithoutReturn {{ amazonOrderId }}
    damagedWithoutReimbursement {{ amazonOrderId sku disposition }}
    revisedAfterRestock {{ {RETURN} }}
  }}
}}
"""
CONFIRM = """
mutation($id: ID!, $quantity: Int!, $condition: ReturnCondition!) {
  confirmReturnReceived(returnId: $id, quantity: $quantity, condition: $condition) {
    __typename
    ... on ReturnConfirmed { customerReturn { state restockedQuantity awaitingConfirmation } }
    ... on UserError { message field }
  }
}
"""
RETRY = """
mutation($id: ID!) {
  retryRefund(refundId: $id) {
    __typename
    ... on RefundRetried { refund { status problem } }
    ... on UserError { message field }
  }
}
"""
SETTINGS = """
mutation($storeId: ID!, $settings: StoreSettingsInput!) {
  updateStoreSettings(storeId: $storeId, settings: $settings) {
    __typename
    ... on StoreSaved { store { settings {
      returnsLocationId unsellableLocationId confirmReturnsManually } } }
    ... on UserError { message field }
  }
}
"""


@pytest.fixture
async def store_id(sessions) -> str:  # type: ignore[no-untyped-def]
    """A store whose returns job has seen: a credited refund with its return, a blocked refund,
    an old returnless refund, a damaged FBA return, a revised restock and an FBM return waiting."""
    async with sessions() as s, s.begin():
        store = Store(
            name="Acme US",
            shop_representative_name="Acme",
            region=Region.NA,
            selling_partner_id="A1",
            lwa_client_id="client",
            lwa_client_secret_encrypted="x",
            refresh_token_encrypted="x",
            api_endpoint="https://sellingpartnerapi.example",
            token_url="https://api.example/token",
            connected_at=datetime.now(UTC),
            settings=StoreSettings(),
        )
        s.add(store)
        await s.flush()
        sid = store.id
        await seed_returns(s, sid)
    return str(sid)


async def test_bx1_anyone_reads_refunds_as_amazon_refunded_them(gql, store_id):
    found = await gql(REFUNDS, role="readonly", storeId=store_id)
    blocked = await gql(REFUNDS, role="readonly", storeId=store_id, status="NEEDS_ATTENTION")

    refunds = found["data"]["refunds"]
    assert [r["amazonOrderId"] for r in refunds] == [
        "111-CREDITED", "111-NEVER-CAPTURED", "111-RETURNLESS",
    ]  # fmt: skip
    assert refunds[0]["amount"] == "-21.50" and refunds[0]["currency"] == "USD"
    assert refunds[0]["status"] == "CREDITED" and refunds[0]["problem"] == ""
    [attention] = blocked["data"]["refunds"]
    assert attention["amazonOrderId"] == "111-NEVER-CAPTURED"
    assert attention["problem"] == "the order was never captured as a sale"


async def test_bx1_refunds_page_after_the_last_id_seen(gql, store_id):
    first = (await gql(REFUNDS, role="finance", storeId=store_id, first=2))["data"]["refunds"]
    rest = await gql(REFUNDS, role="finance", storeId=store_id, after=first[-1]["id"])

    assert len(first) == 2
    assert [r["amazonOrderId"] for r in rest["data"]["refunds"]] == ["111-RETURNLESS"]


async def test_bx1_returns_show_what_was_done_and_which_wait_for_confirmation(gql, store_id):
    everything = (await gql(RETURNS, role="readonly", storeId=store_id))["data"]["returns"]
    fbm = await gql(RETURNS, role="readonly", storeId=store_id, channel="MFN")

    by_order = {r["amazonOrderId"]: r for r in everything}
    assert by_order["111-CREDITED"]["state"] == "RESTOCKED"
    assert by_order["111-DAMAGED"]["state"] == "AWAITING_REIMBURSEMENT"
    assert by_order["111-DAMAGED"]["restockedQuantity"] == 0
    [waiting] = fbm["data"]["returns"]
    assert waiting["amazonOrderId"] == "111-FBM" and waiting["awaitingConfirmation"] is True
    assert [r["awaitingConfirmation"] for r in everything].count(True) == 1


async def test_bx1_the_audit_lists_its_four_cases(gql, store_id):
    audit = (await gql(AUDIT, role="readonly", storeId=store_id))["data"]["returnsAudit"]

    assert {r["amazonOrderId"] for r in audit["returnsWithoutRefund"]} == {
        "111-DAMAGED", "111-REVISED", "111-FBM",
    }  # fmt: skip
    assert [r["amazonOrderId"] for r in audit["refundsWithoutReturn"]] == ["111-RETURNLESS"]
    assert [r["sku"] for r in audit["damagedWithoutReimbursement"]] == ["CAP"]
    [revised] = audit["revisedAfterRestock"]
    assert revised["amazonOrderId"] == "111-REVISED" and revised["revisedAfterRestock"] is True
    assert audit["days"] > 0


async def test_bx1_the_audit_of_an_unknown_store_is_null(gql, store_id):
    answer = await gql(AUDIT, role="readonly", storeId="999999")
    assert answer["data"]["returnsAudit"] is None


@pytest.mark.parametrize(
    ("document", "role", "variables"),
    [
        (CONFIRM, "finance", {"id": "1", "quantity": 1, "condition": "SELLABLE"}),
        (CONFIRM, "readonly", {"id": "1", "quantity": 1, "condition": "SELLABLE"}),
        (RETRY, "operations", {"id": "1"}),
        (RETRY, "readonly", {"id": "1"}),
    ],
)
async def test_bx1_operations_confirms_returns_and_finance_retries_refunds(
    gql, store_id, document, role, variables
):
    answer = await gql(document, role=role, **variables)
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "may not do this" in answer["errors"][0]["message"]


async def test_bx1_returns_settings_are_saved_and_cleared(gql, store_id, office):
    saved = await gql(
        SETTINGS,
        storeId=store_id,
        settings={
            "returnsLocationId": office.warehouse,
            "unsellableLocationId": office.warehouse,
            "confirmReturnsManually": True,
        },
    )
    cleared = await gql(SETTINGS, storeId=store_id, settings={"clear": ["unsellableLocationId"]})
    wrong = await gql(SETTINGS, storeId=store_id, settings={"returnsLocationId": "999999"})

    assert saved["data"]["updateStoreSettings"]["store"]["settings"] == {
        "returnsLocationId": office.warehouse,
        "unsellableLocationId": office.warehouse,
        "confirmReturnsManually": True,
    }
    after = cleared["data"]["updateStoreSettings"]["store"]["settings"]
    assert after["unsellableLocationId"] is None and after["returnsLocationId"] == office.warehouse
    refused = wrong["data"]["updateStoreSettings"]
    assert refused["__typename"] == "InvalidInput" and refused["field"] == "returnsLocationId"


async def test_bx1_confirming_or_retrying_what_does_not_exist_is_not_found(gql, store_id):
    confirmed = await gql(CONFIRM, role="operations", id="999999", quantity=1, condition="SELLABLE")
    retried = await gql(RETRY, role="finance", id="999999")

    assert confirmed["data"]["confirmReturnReceived"]["__typename"] == "NotFound"
    assert confirmed["data"]["confirmReturnReceived"]["field"] == "returnId"
    assert retried["data"]["retryRefund"]["__typename"] == "NotFound"
    assert retried["data"]["retryRefund"]["field"] == "refundId"
