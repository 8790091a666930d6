"""Issue 11 — staging listings and variation families through the control API (CA-1 … CA-4)."""

from __future__ import annotations

import gzip

import pytest

from tests.sandbox.conftest import check, load_model

UK = "A1F83G8C2ARO7P"
DE = "A1PA6795UKMFR9"
LISTINGS = "listingsItems_2021-08-01.json"
CATALOG = "catalogItems_2022-04-01.json"


def _problems(instance, model: str, definition: str) -> list[str]:
    root = load_model(model)
    return check(instance, {"$ref": f"#/definitions/{definition}"}, root)


@pytest.fixture
async def eu(http, sandbox):
    """The EU seller and an access token of it."""
    seller = next(s for s in sandbox.state.sellers.values() if s.region == "EU")
    response = await http.post(
        "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": seller.refresh_token,
            "client_id": seller.client_id,
            "client_secret": seller.client_secret,
        },
    )
    return seller, {"x-amz-access-token": response.json()["access_token"]}


async def _report(http, headers, report_type: str, marketplace_id: str) -> list[dict[str, str]]:
    created = await http.post(
        "/reports/2021-06-30/reports",
        json={"reportType": report_type, "marketplaceIds": [marketplace_id]},
        headers=headers,
    )
    report_id = created.json()["reportId"]
    await http.post("/_sandbox/clock", json={"seconds": 600})
    report = (await http.get(f"/reports/2021-06-30/reports/{report_id}", headers=headers)).json()
    document_id = report["reportDocumentId"]
    document = (
        await http.get(f"/reports/2021-06-30/documents/{document_id}", headers=headers)
    ).json()
    text = gzip.decompress((await http.get(document["url"])).content).decode()
    header, *rows = text.splitlines()
    return [dict(zip(header.split("\t"), row.split("\t"), strict=True)) for row in rows]


async def test_one_sku_fba_in_one_marketplace_fbm_in_another_with_its_own_titles(
    http, eu, validate
):
    """CA-1, SS-3: per-marketplace title and fulfilment channel, served by every listings API."""
    seller, headers = eu
    staged = await http.post(
        "/_sandbox/listings",
        json={
            "sellerId": seller.seller_id,
            "sku": "MUG-GLOBAL",
            "title": "Enamel Camping Mug",
            "titles": {DE: "Emaille-Campingbecher"},
            "offers": [
                {"marketplaceId": UK, "price": "12.50", "quantity": 7, "fulfillment": "DEFAULT"},
                {"marketplaceId": DE, "price": "13.90", "fulfillment": "AMAZON_EU"},
            ],
        },
    )
    assert staged.status_code == 201, staged.text
    body = staged.json()
    assert all(not _problems(item, LISTINGS, "Item") for item in body["items"])
    path = f"/listings/2021-08-01/items/{seller.seller_id}/MUG-GLOBAL"
    included = "summaries,offers,fulfillmentAvailability"
    uk = validate(
        await http.get(
            path, params={"marketplaceIds": UK, "includedData": included}, headers=headers
        ),
        LISTINGS,
        "getListingsItem",
    )
    de = validate(
        await http.get(
            path, params={"marketplaceIds": DE, "includedData": included}, headers=headers
        ),
        LISTINGS,
        "getListingsItem",
    )
    assert uk["summaries"][0]["itemName"] == "Enamel Camping Mug"
    assert de["summaries"][0]["itemName"] == "Emaille-Campingbecher"
    assert uk["fulfillmentAvailability"] == [{"fulfillmentChannelCode": "DEFAULT", "quantity": 7}]
    assert de["fulfillmentAvailability"] == [{"fulfillmentChannelCode": "AMAZON_EU"}]
    catalog = await http.get(
        f"/catalog/2022-04-01/items/{body['asin']}",
        params={"marketplaceIds": DE, "includedData": "summaries,attributes"},
        headers=headers,
    )
    assert validate(catalog, CATALOG, "getCatalogItem")["summaries"][0]["itemName"] == (
        "Emaille-Campingbecher"
    )
    rows = {
        m: {
            r["seller-sku"]: r
            for r in await _report(http, headers, "GET_MERCHANT_LISTINGS_ALL_DATA", m)
        }
        for m in (UK, DE)
    }
    assert rows[UK]["MUG-GLOBAL"]["fulfillment-channel"] == "DEFAULT"
    assert rows[UK]["MUG-GLOBAL"]["quantity"] == "7"
    assert rows[DE]["MUG-GLOBAL"]["fulfillment-channel"] == "AMAZON_EU"
    assert rows[DE]["MUG-GLOBAL"]["item-name"] == "Emaille-Campingbecher"
    assert rows[DE]["MUG-GLOBAL"]["price"] == "13.90"


async def test_a_variation_family_with_four_themes(http, eu, validate):
    """CA-3: Amazon allows more than three variation themes; catalog items serve them all."""
    seller, headers = eu
    themes = ["size", "color", "style", "material"]
    children = [
        {
            "sku": f"JACKET-{size}-{material}",
            "values": {"size": size, "color": "Red", "style": "Hooded", "material": material},
            "offers": [{"marketplaceId": UK, "price": "79.00", "quantity": 2}],
        }
        for size in ("S", "M")
        for material in ("Wool", "Cotton")
    ]
    staged = await http.post(
        "/_sandbox/families",
        json={
            "sellerId": seller.seller_id,
            "title": "Trail Jacket",
            "brand": "Contoso",
            "themes": themes,
            "parentSku": "JACKET-PARENT",
            "children": children,
        },
    )
    assert staged.status_code == 201, staged.text
    body = staged.json()
    assert not _problems(body["parent"], CATALOG, "Item")
    assert [c["sku"] for c in body["children"]] == [c["sku"] for c in children]
    parent = validate(
        await http.get(
            f"/catalog/2022-04-01/items/{body['parent']['asin']}",
            params={"marketplaceIds": UK, "includedData": "relationships,summaries"},
            headers=headers,
        ),
        CATALOG,
        "getCatalogItem",
    )
    relation = parent["relationships"][0]["relationships"][0]
    assert relation["variationTheme"]["attributes"] == themes
    assert len(relation["childAsins"]) == 4
    assert parent["summaries"][0]["itemClassification"] == "VARIATION_PARENT"
    child = validate(
        await http.get(
            f"/catalog/2022-04-01/items/{relation['childAsins'][1]}",
            params={"marketplaceIds": UK, "includedData": "attributes,relationships"},
            headers=headers,
        ),
        CATALOG,
        "getCatalogItem",
    )
    assert child["attributes"]["material"][0]["value"] == "Cotton"
    assert child["relationships"][0]["relationships"][0]["parentAsins"] == [body["parent"]["asin"]]
    rows = {
        r["seller-sku"] for r in await _report(http, headers, "GET_MERCHANT_LISTINGS_ALL_DATA", UK)
    }
    assert {c["sku"] for c in children} <= rows and "JACKET-PARENT" not in rows
    listed = await http.get(
        f"/listings/2021-08-01/items/{seller.seller_id}/JACKET-PARENT",
        params={"marketplaceIds": UK, "includedData": "summaries"},
        headers=headers,
    )
    assert (
        validate(listed, LISTINGS, "getListingsItem")["summaries"][0]["asin"]
        == (body["parent"]["asin"])
    )


@pytest.mark.parametrize(
    "family",
    [
        {"themes": ["size", "color"], "values": {"size": "S"}},
        {"themes": [], "values": {}},
        {"themes": ["size", "size"], "values": {"size": "S"}},
        {"themes": ["size"], "values": {"size": "S"}, "marketplaceId": "ATVPDKIKX0DER"},
    ],
)
async def test_families_that_cannot_exist_are_refused(http, eu, family):
    seller, _ = eu
    response = await http.post(
        "/_sandbox/families",
        json={
            "sellerId": seller.seller_id,
            "themes": family["themes"],
            "parentSku": "P",
            "children": [
                {
                    "sku": "C",
                    "values": family["values"],
                    "offers": [{"marketplaceId": family.get("marketplaceId", UK), "price": "1"}],
                }
            ],
        },
    )
    assert response.status_code == 400 and response.json()["error"]


async def test_listing_refusals_leave_the_catalog_unchanged(http, eu, sandbox):
    seller, _ = eu
    products = len(sandbox.state.products)
    taken = next(
        lst.sku for lst in sandbox.state.listings.values() if lst.seller_id == seller.seller_id
    )
    for body, status in (
        ({"sku": taken, "offers": [{"marketplaceId": UK, "price": "1"}]}, 409),
        ({"sku": "NEW", "offers": [{"marketplaceId": "ATVPDKIKX0DER", "price": "1"}]}, 400),
        ({"sku": "NEW", "offers": [{"marketplaceId": UK, "fulfillment": "POST"}]}, 400),
        ({"sku": "NEW", "offers": []}, 400),
    ):
        response = await http.post(
            "/_sandbox/listings", json={"sellerId": seller.seller_id, **body}
        )
        assert response.status_code == status, body
    assert len(sandbox.state.products) == products
