"""Sale tasks over GraphQL (IN-5 … IN-8): create, pick, pack, ship, invoice, pay, void, credit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from skuport.domain.db.base import Base
from skuport.domain.inventory.events import AvailabilityChanged
from skuport.domain.inventory.models import AccountKind
from skuport.domain.inventory.products.service import create_product
from skuport.domain.inventory.reference.service import (
    create_account,
    create_customer,
    create_price_tier,
    create_supplier,
    create_tax_rule,
)
from skuport.domain.inventory.stock.service import create_location, receive_stock


@dataclass
class Office:
    tier: str
    sales_tax: str
    vat: str
    tax_free: str
    revenue: str
    bank: str
    customer: str
    warehouse: str
    mug: str
    cap: str
    kit: str
    dropship: str


@pytest.fixture
async def office(sessions) -> Office:  # type: ignore[no-untyped-def]
    """A back office with stock: 10 mugs and 5 caps in the warehouse, a kit, a drop-ship item."""
    async with sessions() as s, s.begin():
        tier = await create_price_tier(s, name="Amazon US", currency="USD")
        sales_tax = await create_tax_rule(s, name="Sales tax", rate=Decimal("8.875"))
        vat = await create_tax_rule(s, name="VAT 20", rate=Decimal(20), inclusive=True)
        tax_free = await create_tax_rule(s, name="Tax free", rate=Decimal(0), tax_free=True)
        revenue = await create_account(s, code="4000", name="Sales", kind=AccountKind.REVENUE)
        bank = await create_account(s, code="1200", name="Bank", kind=AccountKind.BANK)
        customer = await create_customer(s, name="Jane Buyer", price_tier_id=tier.id)
        warehouse = await create_location(s, name="Main warehouse")
        supplier = await create_supplier(s, name="Mugs Direct")

        async def product(sku: str, price: str, **extra):  # type: ignore[no-untyped-def]
            return await create_product(
                s,
                sku=sku,
                name=f"Product {sku}",
                prices={tier.id: Decimal(price)},
                default_tax_rule_id=sales_tax.id,
                **extra,
            )

        mug = await product("MUG", "10.00")
        cap = await product("CAP", "15.00")
        from skuport.domain.inventory.products.service import KitLine

        kit = await product(
            "GIFT",
            "30.00",
            type="kit",
            components=[KitLine(mug.id, Decimal(2)), KitLine(cap.id, Decimal(1))],
        )
        dropship = await product("BIGMUG", "50.00", drop_ship=True, supplier_id=supplier.id)
        await receive_stock(s, product_id=mug.id, location_id=warehouse.id, quantity=Decimal(10))
        await receive_stock(s, product_id=cap.id, location_id=warehouse.id, quantity=Decimal(5))
    return Office(
        *(
            str(x.id)
            for x in (
                tier,
                sales_tax,
                vat,
                tax_free,
                revenue,
                bank,
                customer,
                warehouse,
                mug,
                cap,
                kit,
                dropship,
            )
        )
    )


async def row_counts(sessions) -> dict[str, int]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return {
            t.name: await session.scalar(select(func.count()).select_from(t))
            for t in Base.metadata.sorted_tables
        }


SALE_FIELDS = """
  id number status currency customerName
  stages { pick pack ship }
  lines { id kind sku quantity unitPrice net tax total taxGiven dropShip }
  shipments { carrier trackingNumber }
  invoice { id status subtotal taxTotal total paid balance paymentStatus isPaid }
  dropShipOrders { number status lines { quantity } }
"""
ERROR = "... on UserError { __typename message field }"

CREATE_SALE = f"""
mutation Create($input: SaleInput!) {{
  createSale(input: $input) {{ __typename ... on SaleSaved {{ sale {{ {SALE_FIELDS} }} }} {ERROR} }}
}}
"""
PICK = f"""
mutation Pick($id: ID!) {{
  pickSale(saleId: $id) {{
    __typename {ERROR}
    ... on SalePicked {{
      picked shortages {{ productId needed pickable }} sale {{ stages {{ pick }} }}
    }}
  }}
}}
"""
PACK = f"""
mutation Pack($id: ID!) {{ packSale(saleId: $id) {{ __typename {ERROR}
  ... on SaleSaved {{ sale {{ stages {{ pack }} }} }} }} }}
"""
SHIP = f"""
mutation Ship($id: ID!) {{
  shipSale(saleId: $id, carrier: "UPS", trackingNumber: "1Z999") {{
    __typename {ERROR}
    ... on SaleShipped {{ shipment {{ carrier trackingNumber }} sale {{ stages {{ ship }} }} }}
  }}
}}
"""
INVOICE = f"""
mutation Invoice($id: ID!, $status: InvoiceStatus!) {{
  invoiceSale(saleId: $id, status: $status) {{
    __typename {ERROR}
    ... on InvoiceSaved {{ invoice {{ id status subtotal taxTotal total balance paymentStatus }} }}
  }}
}}
"""
PAY = f"""
mutation Pay($invoice: ID!, $amount: Decimal!, $account: ID!) {{
  recordPayment(invoiceId: $invoice, amount: $amount, accountId: $account) {{
    __typename {ERROR}
    ... on PaymentRecorded {{
      payment {{ amount }} invoice {{ paid balance paymentStatus isPaid }}
    }}
  }}
}}
"""
VOID = f"""
mutation Void($id: ID!) {{
  voidSale(saleId: $id, reason: "customer cancelled") {{
    __typename {ERROR} ... on SaleSaved {{ sale {{ status invoice {{ status }} }} }}
  }}
}}
"""
STOCK = """
query Stock($product: ID!) {
  stock(productId: $product) { levels { locationId onHand allocated picked available }
                               totals { onHand allocated available } }
}
"""


def sale_input(office: Office, *lines: dict, **extra) -> dict:  # type: ignore[no-untyped-def]
    return {
        "customerId": office.customer,
        "locationId": office.warehouse,
        "lines": list(lines),
        **extra,
    }


def product_line(product: str, quantity: str, **extra) -> dict:  # type: ignore[no-untyped-def]
    return {"kind": "PRODUCT", "productId": product, "quantity": quantity, **extra}


async def create(gql, office: Office, *lines: dict, role: str = "operations", **extra) -> dict:  # type: ignore[no-untyped-def]
    result = await gql(CREATE_SALE, role=role, input=sale_input(office, *lines, **extra))
    return result["data"]["createSale"]


async def level(gql, product: str) -> dict:  # type: ignore[no-untyped-def]
    result = await gql(STOCK, role="readonly", product=product)
    return result["data"]["stock"]["levels"][0]


async def test_in5_a_sale_goes_from_order_to_paid_through_the_api(gql, office):
    # given: 2 mugs, a service line and shipping, sales tax 8.875 % exclusive
    created = await create(
        gql,
        office,
        product_line(office.mug, "2"),
        {"kind": "SERVICE", "description": "Engraving", "quantity": "1", "unitPrice": "5.00",
         "taxRuleId": office.tax_free},
        {"kind": "CHARGE", "chargeKind": "SHIPPING", "amount": "4.99",
         "taxRuleId": office.sales_tax},
    )  # fmt: skip
    assert created["__typename"] == "SaleSaved"
    sale = created["sale"]
    assert sale["customerName"] == "Jane Buyer"
    assert [line["kind"] for line in sale["lines"]] == ["PRODUCT", "SERVICE", "CHARGE"]
    # 20.00 x 8.875 % = 1.775 → 1.78; 4.99 x 8.875 % = 0.4428… → 0.44
    assert [line["tax"] for line in sale["lines"]] == ["1.78", "0.00", "0.44"]
    assert await level(gql, office.mug) == {
        "locationId": office.warehouse, "onHand": "10", "allocated": "2", "picked": "0",
        "available": "8",
    }  # fmt: skip
    # when: pick, pack, ship, invoice (authorised), pay in two parts
    picked = (await gql(PICK, role="operations", id=sale["id"]))["data"]["pickSale"]
    assert picked["picked"] is True and picked["sale"]["stages"]["pick"] == "AUTHORISED"
    packed = (await gql(PACK, role="operations", id=sale["id"]))["data"]["packSale"]
    assert packed["sale"]["stages"]["pack"] == "AUTHORISED"
    shipped = (await gql(SHIP, role="operations", id=sale["id"]))["data"]["shipSale"]
    assert shipped["shipment"] == {"carrier": "UPS", "trackingNumber": "1Z999"}
    invoiced = await gql(INVOICE, role="finance", id=sale["id"], status="AUTHORISED")
    invoice = invoiced["data"]["invoiceSale"]["invoice"]
    assert invoice == {
        "id": invoice["id"], "status": "AUTHORISED", "subtotal": "29.99", "taxTotal": "2.22",
        "total": "32.21", "balance": "32.21", "paymentStatus": "UNPAID",
    }  # fmt: skip
    part = await gql(
        PAY, role="finance", invoice=invoice["id"], amount="10.00", account=office.bank
    )
    assert part["data"]["recordPayment"]["invoice"]["paymentStatus"] == "PARTIALLY_PAID"
    rest = await gql(
        PAY, role="finance", invoice=invoice["id"], amount="22.21", account=office.bank
    )
    # then
    assert rest["data"]["recordPayment"]["invoice"] == {
        "paid": "32.21", "balance": "0.00", "paymentStatus": "PAID", "isPaid": True,
    }  # fmt: skip
    assert await level(gql, office.mug) == {
        "locationId": office.warehouse, "onHand": "8", "allocated": "0", "picked": "0",
        "available": "8",
    }  # fmt: skip
    read = await gql(f"query($id: ID!) {{ sale(id: $id) {{ {SALE_FIELDS} }} }}", id=sale["id"])
    assert read["data"]["sale"]["stages"] == {
        "pick": "AUTHORISED",
        "pack": "AUTHORISED",
        "ship": "AUTHORISED",
    }
    assert read["data"]["sale"]["shipments"] == [{"carrier": "UPS", "trackingNumber": "1Z999"}]
    assert read["data"]["sale"]["invoice"]["isPaid"] is True


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


async def test_in6_a_kit_sale_ships_its_components_and_drop_ship_moves_no_stock(gql, office):
    # given: one gift kit (2 mugs + 1 cap) and one drop-shipped big mug
    created = await create(
        gql, office, product_line(office.kit, "1"), product_line(office.dropship, "1")
    )
    sale = created["sale"]
    assert sale["dropShipOrders"][0]["status"] == "ORDERED"
    assert sale["dropShipOrders"][0]["lines"] == [{"quantity": "1"}]
    # when
    for document in (PICK, PACK, SHIP):
        await gql(document, role="operations", id=sale["id"])
    # then
    assert (await level(gql, office.mug))["onHand"] == "8"
    assert (await level(gql, office.cap))["onHand"] == "4"
    assert (await gql(STOCK, role="readonly", product=office.dropship))["data"]["stock"] == {
        "levels": [],
        "totals": [{"onHand": "0", "allocated": "0", "available": "0"}],
    }
    orders = await gql("query { dropShipOrders { nodes { saleId status } } }", role="readonly")
    assert orders["data"]["dropShipOrders"]["nodes"] == [
        {"saleId": sale["id"], "status": "ORDERED"}
    ]


async def test_in5_short_stock_leaves_the_pick_draft_and_shipping_an_unpicked_sale_is_refused(
    gql, office, sessions
):
    # given: 6 caps ordered, 5 on hand
    sale = (await create(gql, office, product_line(office.cap, "6")))["sale"]
    # when
    picked = (await gql(PICK, role="operations", id=sale["id"]))["data"]["pickSale"]
    # then
    assert picked["picked"] is False
    assert picked["sale"]["stages"]["pick"] == "DRAFT"
    assert picked["shortages"] == [{"productId": office.cap, "needed": "6", "pickable": "5"}]
    before = await row_counts(sessions)
    packed = (await gql(PACK, role="operations", id=sale["id"]))["data"]["packSale"]
    shipped = (await gql(SHIP, role="operations", id=sale["id"]))["data"]["shipSale"]
    assert packed["__typename"] == shipped["__typename"] == "InvalidState"
    assert shipped["field"] == "saleId"
    assert await row_counts(sessions) == before
    assert (await level(gql, office.cap))["onHand"] == "5"


async def test_in5_voiding_a_shipped_sale_reverses_its_stock_exactly_and_twice_is_refused(
    gql, office, sessions
):
    # given: a shipped sale of 3 mugs, invoiced as a draft
    sale = (await create(gql, office, product_line(office.mug, "3")))["sale"]
    for document in (PICK, PACK, SHIP):
        await gql(document, role="operations", id=sale["id"])
    await gql(INVOICE, role="operations", id=sale["id"], status="DRAFT")
    assert (await level(gql, office.mug))["onHand"] == "7"
    # when
    voided = (await gql(VOID, role="operations", id=sale["id"]))["data"]["voidSale"]
    # then
    assert voided["sale"] == {"status": "VOIDED", "invoice": {"status": "VOIDED"}}
    assert await level(gql, office.mug) == {
        "locationId": office.warehouse, "onHand": "10", "allocated": "0", "picked": "0",
        "available": "10",
    }  # fmt: skip
    before = await row_counts(sessions)
    again = (await gql(VOID, role="operations", id=sale["id"]))["data"]["voidSale"]
    assert again["__typename"] == "InvalidState" and again["field"] == "saleId"
    assert await row_counts(sessions) == before


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


async def test_in8_a_stock_change_over_the_api_publishes_availability_after_commit(
    gql, office, app
):
    # given
    bus = app.state.services.bus
    seen: list[AvailabilityChanged] = []
    import asyncio

    async def listen() -> None:
        async for event_ in bus.subscribe(AvailabilityChanged):
            seen.append(event_)
            return

    listener = asyncio.create_task(listen())
    await asyncio.sleep(0)
    # when: a sale of 4 mugs allocates them
    await create(gql, office, product_line(office.mug, "4"))
    await asyncio.wait_for(listener, timeout=5)
    # then
    assert seen == [AvailabilityChanged(int(office.mug), int(office.warehouse), Decimal(6))]


# --- roles -------------------------------------------------------------------------------------


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


# --- lists: paging and query counts ------------------------------------------------------------

SALES_PAGE = f"""
query Page($first: Int, $after: String) {{
  sales(first: $first, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ {SALE_FIELDS} }}
  }}
}}
"""


async def test_sales_are_paged_newest_first_and_filtered(gql, office):
    ids = []
    for i in range(5):
        sale = (await create(gql, office, product_line(office.mug, "1"), reference=f"A-{i}"))[
            "sale"
        ]
        ids.append(sale["id"])
    first = (await gql(SALES_PAGE, role="readonly", first=2))["data"]["sales"]
    assert [n["id"] for n in first["nodes"]] == ids[::-1][:2]
    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"] is True
    rest = await gql(SALES_PAGE, role="readonly", first=10, after=first["pageInfo"]["endCursor"])
    assert [n["id"] for n in rest["data"]["sales"]["nodes"]] == ids[::-1][2:]
    found = await gql('query { sales(reference: "A-3") { nodes { id } } }', role="readonly")
    assert found["data"]["sales"]["nodes"] == [{"id": ids[3]}]


async def test_a_page_of_sales_costs_the_same_queries_for_2_or_12_sales(gql, office, app):
    """DataLoader proof: lines, invoices, drop-ship orders and customers come in batches."""
    engine = app.state.services.engine
    statements = 0

    def count(_conn, _cursor, statement, *_args: object) -> None:  # type: ignore[no-untyped-def]
        nonlocal statements
        # Only the back office's queries: the token check and background jobs are not the page.
        statements += "inv_" in statement

    async def cost_of_a_page() -> int:
        nonlocal statements
        statements = 0
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            result = await gql(SALES_PAGE, role="readonly", first=50)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", count)
        assert "errors" not in result
        return statements

    async def add_sales(n: int) -> None:
        for _ in range(n):
            sale = await create(
                gql, office, product_line(office.mug, "1"), product_line(office.dropship, "1")
            )
            await gql(INVOICE, role="operations", id=sale["sale"]["id"], status="AUTHORISED")

    await add_sales(2)
    small = await cost_of_a_page()
    await add_sales(10)
    large = await cost_of_a_page()
    assert large == small
    assert small <= 10  # count, page, then one query per kind of related row
