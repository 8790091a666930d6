"""Sale taxes, invoices, payments and credit notes over GraphQL (IN-5, IN-7)."""

from __future__ import annotations

from tests.schema.inventory_sales_support import (
    ERROR,
    INVOICE,
    PACK,
    PAY,
    PICK,
    SHIP,
    create,
    level,
    product_line,
    row_counts,
)


async def test_in5_tax_inclusive_totals_match_hand_computed_values_and_given_tax_is_kept(
    gql, office
):
    # given: 3 x 9.99 with VAT 20 % inclusive: 29.97, tax 29.97 x 20/120 = 4.995 → 5.00
    created = await create(
        gql,
        office,
        product_line(office.mug, "3", unitPrice="9.99", taxRuleId=office.vat),
        product_line(office.cap, "1", unitPrice="12.00", taxRuleId=office.vat, taxAmount="1.99"),
        currency="USD",
    )
    lines = created["sale"]["lines"]
    assert [(x["net"], x["tax"], x["total"]) for x in lines] == [
        ("24.97", "5.00", "29.97"),
        ("10.01", "1.99", "12.00"),
    ]
    assert [x["taxGiven"] for x in lines] == [False, True]
    # when
    invoiced = await gql(INVOICE, role="operations", id=created["sale"]["id"], status="DRAFT")
    # then
    invoice = invoiced["data"]["invoiceSale"]["invoice"]
    assert (invoice["subtotal"], invoice["taxTotal"], invoice["total"]) == (
        "34.98",
        "6.99",
        "41.97",
    )
    assert invoice["status"] == "DRAFT"


async def test_in5_paying_more_than_the_invoice_is_refused_and_nothing_is_recorded(
    gql, office, sessions
):
    sale = (await create(gql, office, product_line(office.mug, "1")))["sale"]
    invoiced = await gql(INVOICE, role="operations", id=sale["id"], status="AUTHORISED")
    invoice = invoiced["data"]["invoiceSale"]["invoice"]  # 10.00 + 0.89 tax
    before = await row_counts(sessions)
    # when
    result = await gql(
        PAY, role="finance", invoice=invoice["id"], amount="10.90", account=office.bank
    )
    # then
    refused = result["data"]["recordPayment"]
    assert refused["__typename"] == "InvalidInput" and refused["field"] == "amount"
    assert "balance" in refused["message"]
    assert await row_counts(sessions) == before


async def test_in5_an_unknown_tax_rule_is_named_by_its_line_and_nothing_is_written(
    gql, office, sessions
):
    before = await row_counts(sessions)
    refused = await create(
        gql, office, product_line(office.mug, "1"), product_line(office.cap, "1", taxRuleId="999")
    )
    assert refused["__typename"] == "NotFound"
    assert refused["field"] == "lines[1].taxRuleId"
    missing = await create(gql, office, {"kind": "CHARGE", "chargeKind": "SHIPPING", "amount": "1"})
    assert missing == {
        "__typename": "InvalidInput",
        "message": "a charge line needs taxRuleId",
        "field": "lines[0].taxRuleId",
    }
    assert await row_counts(sessions) == before


async def test_in7_a_credit_note_refunds_and_restocks(gql, office):
    sale = (await create(gql, office, product_line(office.mug, "2")))["sale"]
    for document in (PICK, PACK, SHIP):
        await gql(document, role="operations", id=sale["id"])
    invoiced = await gql(INVOICE, role="operations", id=sale["id"], status="AUTHORISED")
    invoice = invoiced["data"]["invoiceSale"]["invoice"]
    credit = f"""
    mutation Credit($invoice: ID!, $line: ID!) {{
      createCreditNote(invoiceId: $invoice, lines: [{{saleLineId: $line, quantity: "1"}}],
                       restock: true, reason: "returned") {{
        __typename {ERROR}
        ... on CreditNoteSaved {{
          creditNote {{ number total restock }} invoice {{ credited balance }}
        }}
      }}
    }}
    """
    # operations may not refund
    forbidden = await gql(
        credit, role="operations", invoice=invoice["id"], line=sale["lines"][0]["id"]
    )
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # when
    result = await gql(credit, role="finance", invoice=invoice["id"], line=sale["lines"][0]["id"])
    # then: 10.00 + 0.89 (half of 1.78) back, one mug on hand again
    saved = result["data"]["createCreditNote"]
    assert saved["creditNote"]["total"] == "10.89" and saved["creditNote"]["restock"] is True
    assert saved["invoice"] == {"credited": "10.89", "balance": "10.89"}
    assert (await level(gql, office.mug))["onHand"] == "9"
    listed = await gql("query { creditNotes { totalCount nodes { total } } }", role="readonly")
    assert listed["data"]["creditNotes"] == {"totalCount": 1, "nodes": [{"total": "10.89"}]}
