"""Issue 18 over GraphQL: edit and archive every reference record (IN-1, IN-3, IN-4).

Roles as for creating each kind, typed refusals (RecordInUse, DuplicateName, NotFound,
InvalidInput) that write nothing, and archived records hidden from every list unless asked.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.schema.inventory_sales_support import (
    Office,
    create,
    product_line,
    row_counts,
)

ERROR = "... on UserError { __typename message field }"

UPDATE_TAX_RULE = f"""
mutation($id: ID!, $name: String, $rate: Decimal, $inclusive: Boolean) {{
  updateTaxRule(id: $id, name: $name, rate: $rate, inclusive: $inclusive) {{
    __typename {ERROR} ... on TaxRuleSaved {{ taxRule {{ id name rate inclusive archived }} }}
  }}
}}
"""

ARCHIVE = """
mutation($id: ID!, $archived: Boolean!) {{
  {root}(id: $id, archived: $archived) {{
    __typename ... on UserError {{ __typename message field }}
    ... on {saved} {{ {field} {{ id archived }} }}
  }}
}}
"""

# The nine kinds: archive mutation, its saved type and field, the list and its fields, the role.
KINDS = {
    "taxRule": ("archiveTaxRule", "TaxRuleSaved", "taxRule", "taxRules", "finance"),
    "priceTier": ("archivePriceTier", "PriceTierSaved", "priceTier", "priceTiers", "operations"),
    "account": ("archiveAccount", "AccountSaved", "account", "accounts", "finance"),
    "customer": ("archiveCustomer", "CustomerSaved", "customer", "customerList", "operations"),
    "supplier": ("archiveSupplier", "SupplierSaved", "supplier", "suppliers", "operations"),
    "location": ("archiveLocation", "LocationSaved", "location", "locations", "operations"),
    "category": ("archiveCategory", "CategorySaved", "category", "categories", "operations"),
    "brand": ("archiveBrand", "BrandSaved", "brand", "brands", "operations"),
}


async def _archive(gql, kind: str, record_id: str, archived: bool = True, role: str = "admin"):  # type: ignore[no-untyped-def]
    root, saved, field, _, _ = KINDS[kind]
    document = ARCHIVE.format(root=root, saved=saved, field=field)
    result = await gql(document, role=role, id=record_id, archived=archived)
    return result


async def _listed(gql, kind: str, include_archived: bool = False) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    lists = KINDS[kind][3]
    result = await gql(
        f"query($all: Boolean!) {{ {lists}(includeArchived: $all) {{ id archived }} }}",
        role="readonly",
        all=include_archived,
    )
    assert "errors" not in result, result
    return {row["id"]: row["archived"] for row in result["data"][lists]}


async def _new(gql, document: str, root: str, key: str) -> str:  # type: ignore[no-untyped-def]
    result = await gql(document)
    assert "errors" not in result, result
    return result["data"][root][key]["id"]


async def test_in4_every_kind_of_record_archives_out_of_its_list_and_restores(gql, office: Office):
    category = await _new(
        gql,
        'mutation { createCategory(name: "Kitchen") { ... on CategorySaved { category { id } } } }',
        "createCategory",
        "category",
    )
    brand = await _new(
        gql,
        'mutation { createBrand(name: "Acme") { ... on BrandSaved { brand { id } } } }',
        "createBrand",
        "brand",
    )
    supplier_row = await gql("query { suppliers { id name } }")
    records = {
        "taxRule": office.vat,
        "priceTier": office.tier,
        "account": office.bank,
        "customer": office.customer,
        "supplier": supplier_row["data"]["suppliers"][0]["id"],
        "location": None,
        "category": category,
        "brand": brand,
    }
    empty = await gql(
        'mutation { createLocation(name: "Old shop") { ... on LocationSaved { location { id } } } }'
    )
    records["location"] = empty["data"]["createLocation"]["location"]["id"]
    for kind, record_id in records.items():
        role = KINDS[kind][4]
        archived = await _archive(gql, kind, record_id, role=role)
        saved = archived["data"][KINDS[kind][0]]
        assert saved[KINDS[kind][2]] == {"id": record_id, "archived": True}, kind
        assert record_id not in await _listed(gql, kind), kind
        assert (await _listed(gql, kind, include_archived=True))[record_id] is True, kind
        restored = await _archive(gql, kind, record_id, archived=False, role=role)
        assert restored["data"][KINDS[kind][0]][KINDS[kind][2]]["archived"] is False, kind
        assert (await _listed(gql, kind))[record_id] is False, kind


async def test_in1_an_archived_product_leaves_the_product_list_and_cannot_be_sold(
    gql, office: Office
):
    archived = await gql(
        "mutation($id: ID!) { archiveProduct(id: $id) { __typename "
        "... on ProductSaved { product { sku archived } } } }",
        role="operations",
        id=office.cap,
    )
    assert archived["data"]["archiveProduct"]["product"] == {"sku": "CAP", "archived": True}
    listed = await gql("query { products { nodes { sku } } }", role="readonly")
    assert "CAP" not in {p["sku"] for p in listed["data"]["products"]["nodes"]}
    every = await gql("query { products(includeArchived: true) { nodes { sku archived } } }")
    assert {"sku": "CAP", "archived": True} in every["data"]["products"]["nodes"]
    refused = await create(gql, office, product_line(office.cap, "1"))
    assert refused["__typename"] == "InvalidInput"
    assert refused["field"].endswith("lines[0].productId")
    assert "archived; restore it or pick another" in refused["message"]


async def test_in4_a_used_tax_rules_rate_is_refused_with_record_in_use_and_nothing_changes(
    gql, office: Office, sessions
):
    sale = await create(gql, office, product_line(office.mug, "1"))
    assert sale["__typename"] == "SaleSaved"
    before = await row_counts(sessions)
    refused = await gql(UPDATE_TAX_RULE, role="finance", id=office.sales_tax, rate="9")
    assert refused["data"]["updateTaxRule"]["__typename"] == "RecordInUse"
    assert refused["data"]["updateTaxRule"]["field"] == "rate"
    assert "create a new tax rule" in refused["data"]["updateTaxRule"]["message"]
    assert await row_counts(sessions) == before
    rules = await gql("query { taxRules { id rate } }", role="readonly")
    rates = {rule["id"]: Decimal(rule["rate"]) for rule in rules["data"]["taxRules"]}
    assert rates[office.sales_tax] == Decimal("8.875")

    renamed = await gql(UPDATE_TAX_RULE, role="finance", id=office.sales_tax, name="NY tax")
    assert renamed["data"]["updateTaxRule"]["taxRule"]["name"] == "NY tax"
    assert Decimal(renamed["data"]["updateTaxRule"]["taxRule"]["rate"]) == Decimal("8.875")
    unused = await gql(UPDATE_TAX_RULE, role="finance", id=office.vat, rate="19")
    assert Decimal(unused["data"]["updateTaxRule"]["taxRule"]["rate"]) == 19


@pytest.mark.parametrize(
    ("document", "role", "allowed"),
    [
        ('updateTaxRule(id: "{id}", name: "X")', "operations", "finance"),
        ('archiveAccount(id: "{id}")', "operations", "finance"),
        ('updatePriceTier(id: "{id}", name: "X")', "readonly", "operations"),
        ('updateSupplier(id: "{id}", input: {{name: "X"}})', "finance", "operations"),
        ('updateLocation(id: "{id}", name: "X")', "finance", "operations"),
        ('archiveProduct(id: "{id}")', "finance", "operations"),
        ('createCategory(name: "X")', "readonly", "operations"),
        ('updateCustomer(id: "{id}", input: {{name: "X"}})', "readonly", "finance"),
    ],
)
async def test_in4_changes_take_the_role_that_creates_the_record(
    gql, office: Office, document: str, role: str, allowed: str
):
    mutation = "mutation { " + document.format(id="1") + " { __typename } }"
    denied = await gql(mutation, role=role)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "errors" not in await gql(mutation, role=allowed)


async def test_in3_a_location_with_stock_or_unknown_is_a_typed_refusal(
    gql, office: Office, sessions
):
    before = await row_counts(sessions)
    held = await _archive(gql, "location", office.warehouse, role="operations")
    result = held["data"]["archiveLocation"]
    assert result["__typename"] == "RecordInUse" and result["field"] == "id"
    assert "MUG: 10 on hand" in result["message"] and "CAP: 5 on hand" in result["message"]
    missing = await _archive(gql, "location", "999", role="operations")
    assert missing["data"]["archiveLocation"]["__typename"] == "NotFound"
    assert missing["data"]["archiveLocation"]["field"] == "id"
    duplicate = await gql(
        'mutation { createLocation(name: "Shop") { __typename } }', role="operations"
    )
    assert duplicate["data"]["createLocation"]["__typename"] == "LocationSaved"
    renamed = await gql(
        f'mutation {{ updateLocation(id: "{office.warehouse}", name: "shop") '
        f"{{ __typename {ERROR} }} }}",
        role="operations",
    )
    assert renamed["data"]["updateLocation"]["__typename"] == "DuplicateName"
    assert renamed["data"]["updateLocation"]["field"] == "name"
    assert (await row_counts(sessions))["inv_locations"] == before["inv_locations"] + 1


async def test_in4_updates_keep_what_is_left_out_and_refuse_an_archived_default(
    gql, office: Office
):
    changed = await gql(
        "mutation($id: ID!, $input: CustomerUpdateInput!) { updateCustomer(id: $id, "
        "input: $input) { __typename ... on CustomerSaved { customer { name email "
        "priceTierId shippingAddress { city } } } } }",
        role="operations",
        id=office.customer,
        input={"email": "jane@example.com", "shippingAddress": {"city": "Leeds"}},
    )
    assert changed["data"]["updateCustomer"]["customer"] == {
        "name": "Jane Buyer",
        "email": "jane@example.com",
        "priceTierId": office.tier,
        "shippingAddress": {"city": "Leeds"},
    }
    await _archive(gql, "taxRule", office.vat)
    refused = await gql(
        f"mutation($id: ID!, $input: CustomerUpdateInput!) {{ updateCustomer(id: $id, "
        f"input: $input) {{ __typename {ERROR} }} }}",
        role="operations",
        id=office.customer,
        input={"taxRuleId": office.vat},
    )
    assert refused["data"]["updateCustomer"] == {
        "__typename": "InvalidInput",
        "message": "tax rule 'VAT 20' is archived; restore it or pick another",
        "field": "taxRuleId",
    }
    account = await gql(
        f'mutation {{ updateAccount(id: "{office.revenue}", kind: FEE) {{ __typename {ERROR} '
        "... on AccountSaved { account { kind } } } }",
        role="finance",
    )
    assert account["data"]["updateAccount"]["account"] == {"kind": "FEE"}
    tier = await gql(
        f'mutation {{ updatePriceTier(id: "{office.tier}", currency: "EUR") {{ __typename '
        f"{ERROR} }} }}",
        role="finance",
    )
    assert tier["data"]["updatePriceTier"]["__typename"] == "RecordInUse"
    assert tier["data"]["updatePriceTier"]["field"] == "currency"
