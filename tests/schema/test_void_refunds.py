"""IN-5 over GraphQL: voidSale(refundPayments) refunds a paid sale; only finance may refund."""

from __future__ import annotations

from decimal import Decimal

from tests.schema.inventory_sales_support import ERROR, INVOICE, PAY, create, level, product_line

VOID = f"""
mutation Void($id: ID!, $refund: Boolean!) {{
  voidSale(saleId: $id, reason: "buyer cancelled", refundPayments: $refund) {{
    __typename {ERROR}
    ... on SaleSaved {{ sale {{ status invoice {{ status paid refunded balance paymentStatus
      payments {{ id amount accountId reference refundOfId }} }} }} }}
  }}
}}
"""


async def _paid_sale(gql, office) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    sale = (await create(gql, office, product_line(office.mug, "2")))["sale"]
    invoiced = await gql(INVOICE, role="operations", id=sale["id"], status="AUTHORISED")
    invoice = invoiced["data"]["invoiceSale"]["invoice"]
    paid = await gql(
        PAY, role="finance", invoice=invoice["id"], amount=invoice["total"], account=office.bank
    )
    assert paid["data"]["recordPayment"]["__typename"] == "PaymentRecorded", paid
    return sale, invoice


async def test_in5_finance_voids_a_paid_sale_by_refunding_its_payment(gql, office):
    sale, invoice = await _paid_sale(gql, office)
    assert (await level(gql, office.mug))["allocated"] == "2"

    voided = (await gql(VOID, role="finance", id=sale["id"], refund=True))["data"]["voidSale"]

    assert voided["__typename"] == "SaleSaved", voided
    after = voided["sale"]
    assert after["status"] == "VOIDED" and after["invoice"]["status"] == "VOIDED"
    assert Decimal(after["invoice"]["paid"]) == 0
    assert Decimal(after["invoice"]["refunded"]) == Decimal(invoice["total"])
    payment, refund = after["invoice"]["payments"]
    assert (payment["refundOfId"], refund["refundOfId"]) == (None, payment["id"])
    assert Decimal(payment["amount"]) == Decimal(invoice["total"]) == -Decimal(refund["amount"])
    assert refund["accountId"] == payment["accountId"] == office.bank
    assert refund["reference"].endswith(": buyer cancelled")
    assert (await level(gql, office.mug))["allocated"] == "0"


async def test_in5_a_paid_sale_is_refused_without_refund_and_operations_may_not_refund(gql, office):
    sale, _ = await _paid_sale(gql, office)

    plain = (await gql(VOID, role="operations", id=sale["id"], refund=False))["data"]["voidSale"]
    refunding = await gql(VOID, role="operations", id=sale["id"], refund=True)
    finance_plain = await gql(VOID, role="finance", id=sale["id"], refund=False)

    assert plain["__typename"] == "InvalidState" and plain["field"] == "saleId"
    assert "payments" in plain["message"]
    assert refunding["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert finance_plain["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await level(gql, office.mug))["allocated"] == "2"  # nothing changed


async def test_in5_admin_may_void_with_or_without_refund(gql, office):
    sale = (await create(gql, office, product_line(office.mug, "1")))["sale"]

    voided = (await gql(VOID, role="admin", id=sale["id"], refund=False))["data"]["voidSale"]

    assert voided["sale"]["status"] == "VOIDED" and voided["sale"]["invoice"] is None
