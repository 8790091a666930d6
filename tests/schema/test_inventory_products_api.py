"""Products, kits and families over GraphQL (IN-1, IN-2), with roles and paging."""

from __future__ import annotations

from tests.schema.inventory_products_support import (
    ADD_VARIANT,
    CREATE_FAMILY,
    CREATE_PRODUCT,
    created,
    mug,
    reference_data,
    row_counts,
)


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
