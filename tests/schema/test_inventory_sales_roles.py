"""Who may do what with sales over GraphQL: readonly reads, operations ship, finance pays."""

from __future__ import annotations

from tests.schema.inventory_sales_support import (
    CREATE_SALE,
    INVOICE,
    PAY,
    PICK,
    SHIP,
    create,
    product_line,
    sale_input,
)


async def test_roles_readonly_reads_finance_pays_but_does_not_ship_operations_does_not_pay(
    gql, office
):
    sale = (await create(gql, office, product_line(office.mug, "1")))["sale"]
    denied = await gql(
        CREATE_SALE, role="readonly", input=sale_input(office, product_line(office.mug, "1"))
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql(PICK, role="finance", id=sale["id"]))["errors"][0]["extensions"]["code"] == (
        "FORBIDDEN"
    )
    assert (await gql(SHIP, role="finance", id=sale["id"]))["errors"][0]["extensions"]["code"] == (
        "FORBIDDEN"
    )
    invoiced = await gql(INVOICE, role="operations", id=sale["id"], status="AUTHORISED")
    invoice = invoiced["data"]["invoiceSale"]["invoice"]
    pay = {"invoice": invoice["id"], "amount": "1.00", "account": office.bank}
    operations = await gql(PAY, role="operations", **pay)
    assert operations["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    finance = await gql(PAY, role="finance", **pay)
    assert finance["data"]["recordPayment"]["__typename"] == "PaymentRecorded"
    listed = await gql("query { sales { totalCount } invoices { totalCount } }", role="readonly")
    assert listed["data"] == {"sales": {"totalCount": 1}, "invoices": {"totalCount": 1}}
