"""GraphQL documents and helpers shared by the catalog, stock and reference tests."""

from __future__ import annotations

from sqlalchemy import func, select

from skuport.domain.db.base import Base

ERROR = "... on UserError { __typename message field }"


PRODUCT_FIELDS = """
  id sku name type category brand barcode weightKg lengthCm imageUrls dropShip
  familyId optionValues prices { priceTierId price } components { componentId quantity }
"""


CREATE_PRODUCT = f"""
mutation Create($input: ProductInput!) {{
  createProduct(input: $input) {{
    __typename {ERROR} ... on ProductSaved {{ product {{ {PRODUCT_FIELDS} }} }}
  }}
}}
"""


CREATE_FAMILY = f"""
mutation Family($name: String!, $options: [String!]!) {{
  createFamily(name: $name, optionNames: $options) {{
    __typename {ERROR} ... on FamilySaved {{ family {{ id name optionNames }} }}
  }}
}}
"""


ADD_VARIANT = f"""
mutation Variant($family: ID!, $input: VariantInput!) {{
  addVariant(familyId: $family, input: $input) {{
    __typename {ERROR} ... on ProductSaved {{ product {{ id name familyId optionValues }} }}
  }}
}}
"""


RECEIVE = f"""
mutation Receive($product: ID!, $location: ID!, $quantity: Decimal!) {{
  receiveStock(productId: $product, locationId: $location, quantity: $quantity, reason: "PO 7") {{
    __typename {ERROR}
    ... on StockMoved {{ movement {{ kind onHandDelta reason }} level {{ onHand available }} }}
  }}
}}
"""


ADJUST = f"""
mutation Adjust($product: ID!, $location: ID!, $change: Decimal!) {{
  adjustStock(productId: $product, locationId: $location, change: $change, reason: "broken") {{
    __typename {ERROR} ... on StockMoved {{ level {{ onHand }} }}
  }}
}}
"""


COUNT = f"""
mutation Count($product: ID!, $location: ID!, $counted: Decimal!) {{
  countStock(productId: $product, locationId: $location, counted: $counted) {{
    __typename {ERROR} ... on StockMoved {{ movement {{ onHandDelta }} level {{ onHand }} }}
  }}
}}
"""


async def row_counts(sessions) -> dict[str, int]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return {
            t.name: await session.scalar(select(func.count()).select_from(t))
            for t in Base.metadata.sorted_tables
        }


async def created(gql, document: str, root: str, role: str = "admin", **variables) -> dict:  # type: ignore[no-untyped-def]
    result = await gql(document, role=role, **variables)
    assert "errors" not in result, result
    return result["data"][root]


async def reference_data(gql) -> dict[str, str]:  # type: ignore[no-untyped-def]
    tier = await created(
        gql,
        'mutation { createPriceTier(name: "Amazon US", currency: "usd") '
        "{ ... on PriceTierSaved { priceTier { id currency } } } }",
        "createPriceTier",
        role="finance",
    )
    rule = await created(
        gql,
        'mutation { createTaxRule(name: "VAT 20", rate: "20", inclusive: true) '
        "{ ... on TaxRuleSaved { taxRule { id rate inclusive taxFree } } } }",
        "createTaxRule",
        role="finance",
    )
    location = await created(
        gql,
        'mutation { createLocation(name: "Main warehouse") '
        "{ ... on LocationSaved { location { id name } } } }",
        "createLocation",
        role="operations",
    )
    assert tier["priceTier"]["currency"] == "USD"
    assert rule["taxRule"] == {
        "id": rule["taxRule"]["id"],
        "rate": "20",
        "inclusive": True,
        "taxFree": False,
    }
    return {
        "tier": tier["priceTier"]["id"],
        "rule": rule["taxRule"]["id"],
        "location": location["location"]["id"],
    }


def mug(refs: dict[str, str], **extra) -> dict:  # type: ignore[no-untyped-def]
    return {
        "sku": "MUG-1",
        "name": "Blue mug",
        "category": "Kitchen",
        "brand": "Acme",
        "barcode": "0123456789012",
        "weightKg": "0.35",
        "lengthCm": "12",
        "imageUrls": ["https://img.example/mug.jpg"],
        "defaultTaxRuleId": refs["rule"],
        "prices": [{"priceTierId": refs["tier"], "price": "9.99"}],
        **extra,
    }
