"""The back office of the sale tests, GraphQL documents and helpers (IN-5 … IN-8)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from skuport.domain.db.base import Base


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
