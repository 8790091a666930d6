"""Reference data and customers over GraphQL, paged and searched (IN-4)."""

from __future__ import annotations

from skuport.widgets.store_references import REFERENCE_QUERIES
from tests.schema.inventory_products_support import created, reference_data


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
