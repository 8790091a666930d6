"""Catalog, reference data and stock over GraphQL (IN-1 … IN-4), with typed errors and roles."""

from __future__ import annotations

from sqlalchemy import func, select

from skuport.domain.db.base import Base
from skuport.widgets.store_references import REFERENCE_QUERIES

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


async def test_in1_a_product_is_created_changed_priced_and_found(gql):
    refs = await reference_data(gql)
    # when
    saved = await created(gql, CREATE_PRODUCT, "createProduct", "operations", input=mug(refs))
    # then
    product = saved["product"]
    assert (product["sku"], product["type"], product["category"], product["brand"]) == (
        "MUG-1",
        "STOCK",
        "Kitchen",
        "Acme",
    )
    assert product["prices"] == [{"priceTierId": refs["tier"], "price": "9.99"}]
    assert product["weightKg"] == "0.3500" or product["weightKg"] == "0.35"
    changed = await created(
        gql,
        """mutation($id: ID!) { updateProduct(id: $id, input: {name: "Navy mug", brand: null})
            { __typename ... on ProductSaved { product { name brand sku } } } }""",
        "updateProduct",
        "operations",
        id=product["id"],
    )
    assert changed["product"] == {"name": "Navy mug", "brand": None, "sku": "MUG-1"}
    priced = await created(
        gql,
        """mutation($id: ID!, $tier: ID!) { setProductPrice(productId: $id, priceTierId: $tier,
            price: "11.50") { ... on ProductSaved { product { prices { price } } } } }""",
        "setProductPrice",
        "operations",
        id=product["id"],
        tier=refs["tier"],
    )
    assert priced["product"]["prices"] == [{"price": "11.50"}]
    found = await gql(
        'query { products(search: "navy", type: STOCK) { totalCount nodes { sku category } } '
        "categories { name } brands { name } }",
        role="readonly",
    )
    assert found["data"]["products"] == {
        "totalCount": 1,
        "nodes": [{"sku": "MUG-1", "category": "Kitchen"}],
    }
    assert found["data"]["categories"] == [{"name": "Kitchen"}]
    assert found["data"]["brands"] == [{"name": "Acme"}]


async def test_in1_duplicate_sku_and_name_are_typed_errors_and_nothing_is_written(gql, sessions):
    refs = await reference_data(gql)
    await created(gql, CREATE_PRODUCT, "createProduct", "operations", input=mug(refs))
    before = await row_counts(sessions)
    # when: same SKU in other letters; then the same name
    same_sku = await gql(
        CREATE_PRODUCT, role="operations", input=mug(refs, sku="mug-1", name="Other", brand="New")
    )
    same_name = await gql(CREATE_PRODUCT, role="operations", input=mug(refs, sku="MUG-2"))
    # then
    assert same_sku["data"]["createProduct"]["__typename"] == "DuplicateSku"
    assert same_sku["data"]["createProduct"]["field"] == "sku"
    assert same_name["data"]["createProduct"]["__typename"] == "DuplicateName"
    assert same_name["data"]["createProduct"]["field"] == "name"
    assert await row_counts(sessions) == before  # not even the new brand


async def test_in1_a_kit_lists_stock_products_and_errors_name_the_component(gql):
    refs = await reference_data(gql)
    part = (await created(gql, CREATE_PRODUCT, "createProduct", input=mug(refs)))["product"]
    kit = await created(
        gql,
        CREATE_PRODUCT,
        "createProduct",
        input={
            "sku": "GIFT",
            "name": "Gift set",
            "type": "KIT",
            "components": [{"componentId": part["id"], "quantity": "2"}],
        },
    )
    assert kit["product"]["components"] == [{"componentId": part["id"], "quantity": "2"}]
    bad = await gql(
        """mutation($kit: ID!, $part: ID!) { setKitComponents(kitId: $kit,
           components: [{componentId: $part, quantity: "-1"}]) {
           __typename ...on UserError { field } } }""",
        kit=kit["product"]["id"],
        part=part["id"],
    )
    assert bad["data"]["setKitComponents"] == {
        "__typename": "InvalidInput",
        "field": "components[0].quantity",
    }


async def test_in2_families_name_their_variants_and_refuse_a_fourth_option(gql, sessions):
    # given
    family = await created(
        gql,
        CREATE_FAMILY,
        "createFamily",
        "operations",
        name="T-shirt",
        options=["Size", "Colour"],
    )
    family_id = family["family"]["id"]
    # when
    variant = await created(
        gql,
        ADD_VARIANT,
        "addVariant",
        "operations",
        family=family_id,
        input={"sku": "TS-M-RED", "optionValues": ["M", "Red"]},
    )
    # then
    assert variant["product"]["name"] == "T-shirt (M, Red)"
    assert variant["product"]["familyId"] == family_id
    listed = await gql(
        "query($id: ID!) { family(id: $id) { name variants { sku optionValues } } "
        "families { name } }",
        role="readonly",
        id=family_id,
    )
    assert listed["data"]["family"]["variants"] == [
        {"sku": "TS-M-RED", "optionValues": ["M", "Red"]}
    ]
    before = await row_counts(sessions)
    four = await gql(
        CREATE_FAMILY, role="operations", name="Shoe", options=["Size", "Colour", "Width", "Heel"]
    )
    assert four["data"]["createFamily"]["__typename"] == "InvalidInput"
    assert four["data"]["createFamily"]["field"] == "optionNames"
    wrong = await gql(
        ADD_VARIANT,
        role="operations",
        family=family_id,
        input={"sku": "TS-X", "optionValues": ["M"]},
    )
    assert wrong["data"]["addVariant"]["field"] == "optionValues"
    assert await row_counts(sessions) == before


async def test_in3_receipts_adjustments_and_counts_go_through_the_ledger(gql, sessions):
    refs = await reference_data(gql)
    product = (await created(gql, CREATE_PRODUCT, "createProduct", input=mug(refs)))["product"]
    where = {"product": product["id"], "location": refs["location"]}
    # when
    received = await created(gql, RECEIVE, "receiveStock", "operations", quantity="10", **where)
    adjusted = await created(gql, ADJUST, "adjustStock", "operations", change="-2", **where)
    counted = await created(gql, COUNT, "countStock", "operations", counted="7", **where)
    # then
    assert received == {
        "__typename": "StockMoved",
        "movement": {"kind": "RECEIPT", "onHandDelta": "10", "reason": "PO 7"},
        "level": {"onHand": "10", "available": "10"},
    }
    assert adjusted["level"] == {"onHand": "8"}
    assert counted == {
        "__typename": "StockMoved",
        "movement": {"onHandDelta": "-1"},
        "level": {"onHand": "7"},
    }
    ledger = await gql(
        "query($id: ID!) { stockMovements(productId: $id) { kind onHandDelta } "
        "stock(productId: $id) { totals { onHand allocated available } } }",
        role="readonly",
        id=product["id"],
    )
    assert [m["kind"] for m in ledger["data"]["stockMovements"]] == [
        "RECEIPT",
        "ADJUSTMENT",
        "ADJUSTMENT",
    ]
    assert ledger["data"]["stock"]["totals"] == [
        {"onHand": "7", "allocated": "0", "available": "7"}
    ]
    # refused: a negative receipt, taking more than is on hand, an unknown location
    before = await row_counts(sessions)
    negative = await gql(RECEIVE, role="operations", quantity="-3", **where)
    assert negative["data"]["receiveStock"]["__typename"] == "InvalidInput"
    assert negative["data"]["receiveStock"]["field"] == "quantity"
    too_many = await gql(ADJUST, role="operations", change="-8", **where)
    assert too_many["data"]["adjustStock"]["__typename"] == "InsufficientStock"
    assert too_many["data"]["adjustStock"]["field"] == "change"
    nowhere = await gql(
        RECEIVE, role="operations", quantity="1", product=product["id"], location="999"
    )
    assert nowhere["data"]["receiveStock"] == {
        "__typename": "NotFound",
        "message": "location 999 does not exist",
        "field": "locationId",
    }
    assert await row_counts(sessions) == before


async def test_in4_reference_data_and_customers_paged_and_searched(gql):
    refs = await reference_data(gql)
    await created(
        gql,
        'mutation { createAccount(code: "1200", name: "Bank", kind: BANK) { __typename } }',
        "createAccount",
        role="finance",
    )
    await created(
        gql,
        'mutation { createSupplier(input: {name: "Mugs Direct", currency: "EUR"}) { __typename } }',
        "createSupplier",
        role="operations",
    )
    for i in range(3):
        saved = await created(
            gql,
            """mutation($input: CustomerInput!) { createCustomer(input: $input) {
               __typename ... on CustomerSaved { customer { id shippingAddress { city } } } } }""",
            "createCustomer",
            role="operations",
            input={
                "name": f"Buyer {i}",
                "email": f"b{i}@example.com",
                "priceTierId": refs["tier"],
                "shippingAddress": {"city": "Leeds", "country": "GB"},
            },
        )
        assert saved["customer"]["shippingAddress"] == {"city": "Leeds"}
    page = await gql(
        "query { customers(first: 2) { totalCount pageInfo { hasNextPage endCursor } "
        "nodes { name } } }",
        role="readonly",
    )
    customers = page["data"]["customers"]
    assert customers["totalCount"] == 3 and customers["pageInfo"]["hasNextPage"] is True
    assert [c["name"] for c in customers["nodes"]] == ["Buyer 2", "Buyer 1"]
    rest = await gql(
        "query($after: String) { customers(first: 2, after: $after) { nodes { name } } }",
        role="readonly",
        after=customers["pageInfo"]["endCursor"],
    )
    assert rest["data"]["customers"]["nodes"] == [{"name": "Buyer 0"}]
    searched = await gql('query { customers(search: "b1@") { nodes { name } } }', role="readonly")
    assert searched["data"]["customers"]["nodes"] == [{"name": "Buyer 1"}]
    duplicate = await gql(
        'mutation { createLocation(name: "main WAREHOUSE") '
        "{ __typename ...on UserError { field } } }",
        role="operations",
    )
    assert duplicate["data"]["createLocation"] == {"__typename": "DuplicateName", "field": "name"}


async def test_the_store_settings_reference_queries_are_valid_lists(gql):
    """The store settings widget offers these records as choices (widgets/store_references)."""
    await reference_data(gql)
    for query, root in REFERENCE_QUERIES.values():
        result = await gql(query, role="readonly")
        assert "errors" not in result, (query, result)
        assert isinstance(result["data"][root], list)


async def test_roles_readonly_only_reads_and_finance_keeps_tax_rules_not_products(gql):
    refs = await reference_data(gql)
    readonly = await gql(CREATE_PRODUCT, role="readonly", input=mug(refs))
    assert readonly["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    finance = await gql(CREATE_PRODUCT, role="finance", input=mug(refs))
    assert finance["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    operations_tax = await gql(
        'mutation { createTaxRule(name: "X", rate: "1") { __typename } }', role="operations"
    )
    assert operations_tax["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    reads = await gql(
        "query { products { totalCount } locations { name } priceTiers { name } "
        "taxRules { name } accounts { code } suppliers { name } stock { levels { onHand } } }",
        role="readonly",
    )
    assert "errors" not in reads


async def test_products_are_paged_newest_first(gql):
    for i in range(5):
        await created(
            gql,
            CREATE_PRODUCT,
            "createProduct",
            input={"sku": f"P-{i}", "name": f"Product {i}", "category": f"C{i % 2}"},
        )
    page = await gql(
        "query { products(first: 3) { pageInfo { hasNextPage endCursor } nodes { sku category } } }"
    )
    products = page["data"]["products"]
    assert [p["sku"] for p in products["nodes"]] == ["P-4", "P-3", "P-2"]
    rest = await gql(
        "query($after: String) { products(first: 3, after: $after) { pageInfo { hasNextPage } "
        "nodes { sku } } }",
        after=products["pageInfo"]["endCursor"],
    )
    assert [p["sku"] for p in rest["data"]["products"]["nodes"]] == ["P-1", "P-0"]
    assert rest["data"]["products"]["pageInfo"]["hasNextPage"] is False


async def test_in1_changes_name_the_api_field_at_fault(gql, sessions):
    refs = await reference_data(gql)
    product = (await created(gql, CREATE_PRODUCT, "createProduct", input=mug(refs)))["product"]
    before = await row_counts(sessions)
    bad_rule = await gql(
        """mutation($id: ID!) { updateProduct(id: $id, input: {defaultTaxRuleId: "999"})
           { __typename ...on UserError { field } } }""",
        role="operations",
        id=product["id"],
    )
    assert bad_rule["data"]["updateProduct"] == {
        "__typename": "NotFound",
        "field": "defaultTaxRuleId",
    }
    bad_tier = await gql(
        """mutation($id: ID!) { setProductPrice(productId: $id, priceTierId: "999", price: "1")
           { __typename ...on UserError { field } } }""",
        role="operations",
        id=product["id"],
    )
    assert bad_tier["data"]["setProductPrice"] == {"__typename": "NotFound", "field": "priceTierId"}
    missing = await gql(
        """mutation { updateProduct(id: "999", input: {name: "X"})
           { __typename ...on UserError { field } } }""",
        role="operations",
    )
    assert missing["data"]["updateProduct"] == {"__typename": "NotFound", "field": "id"}
    assert await row_counts(sessions) == before
