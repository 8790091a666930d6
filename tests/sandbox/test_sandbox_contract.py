"""Issue 4 — contract: every sandbox response validates against Amazon's model for it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

US = "ATVPDKIKX0DER"
ORDERS = "orders_2026-01-01.json"
LISTINGS = "listingsItems_2021-08-01.json"
FEEDS = "feeds_2021-06-30.json"
REPORTS = "reports_2021-06-30.json"


def _since(sandbox, days=40):
    return (sandbox.state.clock.now() - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_sellers_participations_match_the_model(http, na_token, validate):
    response = await http.get("/sellers/v1/marketplaceParticipations", headers=na_token)
    body = validate(response, "sellers.json", "getMarketplaceParticipations")
    assert len(body["payload"]) == 3


async def test_search_orders_with_every_dataset_matches_the_model(
    http, na_token, validate, sandbox
):
    params = {
        "lastUpdatedAfter": _since(sandbox),
        "marketplaceIds": ",".join([US, "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8"]),
        "includedData": "BUYER,RECIPIENT,PROCEEDS,FULFILLMENT,PROMOTION,PACKAGES",
        "maxResultsPerPage": "100",
    }
    response = await http.get("/orders/2026-01-01/orders", params=params, headers=na_token)
    body = validate(response, ORDERS, "searchOrders")
    assert len(body["orders"]) > 10
    order_id = body["orders"][0]["orderId"]
    single = await http.get(
        f"/orders/2026-01-01/orders/{order_id}",
        params={"includedData": "PROCEEDS"},
        headers=na_token,
    )
    validate(single, ORDERS, "getOrder")


async def test_order_errors_match_the_model(http, na_token, validate):
    bad = await http.get(
        "/orders/2026-01-01/orders", params={"marketplaceIds": US}, headers=na_token
    )
    assert bad.status_code == 400
    assert validate(bad, ORDERS, "searchOrders")["errors"][0]["code"] == "InvalidInput"
    missing = await http.get("/orders/2026-01-01/orders/111-0000000-0000000", headers=na_token)
    assert missing.status_code == 404
    validate(missing, ORDERS, "getOrder")


async def test_unauthenticated_call_is_403_like_amazon(http, validate):
    response = await http.get(
        "/orders/2026-01-01/orders/1", headers={"x-amz-access-token": "Atza|nope"}
    )
    assert response.status_code == 403
    body = validate(response, ORDERS, "getOrder")
    assert body["errors"][0]["code"] == "Unauthorized"


async def test_catalog_responses_match_the_model(http, na_token, validate, sandbox):
    everything = (
        "summaries,attributes,identifiers,relationships,dimensions,images,productTypes,"
        "classifications"
    )
    search = await http.get(
        "/catalog/2022-04-01/items",
        params={
            "marketplaceIds": US,
            "keywords": "shirt",
            "includedData": everything,
            "pageSize": "5",
        },
        headers=na_token,
    )
    body = validate(search, "catalogItems_2022-04-01.json", "searchCatalogItems")
    asin = body["items"][0]["asin"]
    item = await http.get(
        f"/catalog/2022-04-01/items/{asin}",
        params={"marketplaceIds": US, "includedData": everything},
        headers=na_token,
    )
    validate(item, "catalogItems_2022-04-01.json", "getCatalogItem")
    missing = await http.get(
        "/catalog/2022-04-01/items/B000000000", params={"marketplaceIds": US}, headers=na_token
    )
    assert missing.status_code == 404
    validate(missing, "catalogItems_2022-04-01.json", "getCatalogItem")


async def test_listings_responses_match_the_model(http, na_token, validate, sandbox):
    seller = next(s for s in sandbox.state.sellers.values() if s.region == "NA")
    listing = next(
        lst
        for lst in sandbox.state.listings.values()
        if lst.seller_id == seller.seller_id and lst.offers[US].price > 0
    )
    path = f"/listings/2021-08-01/items/{seller.seller_id}/{listing.sku}"
    everything = "summaries,attributes,issues,offers,fulfillmentAvailability,productTypes"
    got = await http.get(
        path, params={"marketplaceIds": US, "includedData": everything}, headers=na_token
    )
    validate(got, LISTINGS, "getListingsItem")
    patch = {
        "productType": listing.product_type,
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 3}],
            }
        ],
    }
    patched = await http.patch(
        path, params={"marketplaceIds": US}, headers=na_token, content=json.dumps(patch)
    )
    assert validate(patched, LISTINGS, "patchListingsItem")["status"] == "ACCEPTED"
    put = {
        "productType": "HOME",
        "attributes": {"merchant_suggested_asin": [{"value": "B0BAD", "marketplace_id": US}]},
    }
    invalid = await http.put(
        path,
        params={"marketplaceIds": US, "mode": "VALIDATION_PREVIEW"},
        headers=na_token,
        content=json.dumps(put),
    )
    assert validate(invalid, LISTINGS, "putListingsItem")["status"] == "INVALID"
    deleted = await http.delete(path, params={"marketplaceIds": US}, headers=na_token)
    validate(deleted, LISTINGS, "deleteListingsItem")
    missing = await http.get(path + "-nope", params={"marketplaceIds": US}, headers=na_token)
    assert missing.status_code == 404
    validate(missing, LISTINGS, "getListingsItem")


async def test_feed_lifecycle_responses_match_the_model(
    http, na_token, validate, sandbox, schema_problems
):
    document = await http.post(
        "/feeds/2021-06-30/documents",
        headers=na_token,
        json={"contentType": "application/json; charset=UTF-8"},
    )
    assert document.status_code == 201
    doc = validate(document, FEEDS, "createFeedDocument")
    seller = next(s for s in sandbox.state.sellers.values() if s.region == "NA")
    feed_doc = {
        "header": {"sellerId": seller.seller_id, "version": "2.0"},
        "messages": [{"messageId": 1, "sku": "X", "operationType": "DELETE"}],
    }
    upload = await http.put(
        doc["url"],
        content=json.dumps(feed_doc),
        headers={"content-type": "application/json; charset=UTF-8"},
    )
    assert upload.status_code == 200
    created = await http.post(
        "/feeds/2021-06-30/feeds",
        headers=na_token,
        json={
            "feedType": "JSON_LISTINGS_FEED",
            "marketplaceIds": [US],
            "inputFeedDocumentId": doc["feedDocumentId"],
        },
    )
    assert created.status_code == 202
    feed_id = validate(created, FEEDS, "createFeed")["feedId"]
    sandbox.state.clock.advance(timedelta(minutes=10))
    feed = validate(
        await http.get(f"/feeds/2021-06-30/feeds/{feed_id}", headers=na_token), FEEDS, "getFeed"
    )
    assert feed["processingStatus"] == "DONE"
    result = await http.get(
        f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}", headers=na_token
    )
    result_doc = validate(result, FEEDS, "getFeedDocument")
    report = (await http.get(result_doc["url"])).json()
    assert schema_problems(report, "listings-feed-processing-report-schema-v2.json") == []


async def test_report_lifecycle_responses_match_the_model(http, na_token, validate, sandbox):
    created = await http.post(
        "/reports/2021-06-30/reports",
        headers=na_token,
        json={"reportType": "GET_MERCHANT_LISTINGS_ALL_DATA", "marketplaceIds": [US]},
    )
    assert created.status_code == 202
    report_id = validate(created, REPORTS, "createReport")["reportId"]
    queued = validate(
        await http.get(f"/reports/2021-06-30/reports/{report_id}", headers=na_token),
        REPORTS,
        "getReport",
    )
    assert queued["processingStatus"] == "IN_QUEUE"
    sandbox.state.clock.advance(timedelta(minutes=10))
    report = validate(
        await http.get(f"/reports/2021-06-30/reports/{report_id}", headers=na_token),
        REPORTS,
        "getReport",
    )
    document = await http.get(
        f"/reports/2021-06-30/documents/{report['reportDocumentId']}", headers=na_token
    )
    assert validate(document, REPORTS, "getReportDocument")["compressionAlgorithm"] == "GZIP"
    listed = await http.get(
        "/reports/2021-06-30/reports",
        params={"reportTypes": "GET_MERCHANT_LISTINGS_ALL_DATA"},
        headers=na_token,
    )
    validate(listed, REPORTS, "getReports")


async def test_finances_responses_match_the_model(http, na_token, validate):
    groups = await http.get("/finances/v0/financialEventGroups", headers=na_token)
    body = validate(groups, "financesV0.json", "listFinancialEventGroups")
    group_id = body["payload"]["FinancialEventGroupList"][0]["FinancialEventGroupId"]
    events = await http.get(
        f"/finances/v0/financialEventGroups/{group_id}/financialEvents", headers=na_token
    )
    validate(events, "financesV0.json", "listFinancialEventsByGroupId")
    transactions = await http.get(
        "/finances/2024-06-19/transactions",
        params={
            "relatedIdentifierName": "FINANCIAL_EVENT_GROUP_ID",
            "relatedIdentifierValue": group_id,
        },
        headers=na_token,
    )
    assert validate(transactions, "finances_2024-06-19.json", "listTransactions")["payload"][
        "transactions"
    ]


@pytest.mark.parametrize("burst", [15])
async def test_rate_limit_gives_amazons_exact_429_body_after_the_burst(
    http, na_token, validate, sandbox, burst
):
    for _ in range(burst):
        assert (
            await http.get("/sellers/v1/marketplaceParticipations", headers=na_token)
        ).status_code == 200
    throttled = await http.get("/sellers/v1/marketplaceParticipations", headers=na_token)
    assert throttled.status_code == 429
    assert throttled.json() == {
        "errors": [
            {
                "code": "QuotaExceeded",
                "message": "You exceeded your quota for the requested resource.",
            }
        ]
    }
    assert "x-amzn-RateLimit-Limit" not in throttled.headers
    validate(throttled, "sellers.json", "getMarketplaceParticipations")
    sandbox.state.clock.advance(timedelta(seconds=63))  # 0.016 rps refills one token in 62.5 s
    assert (
        await http.get("/sellers/v1/marketplaceParticipations", headers=na_token)
    ).status_code == 200
