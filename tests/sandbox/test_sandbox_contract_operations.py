"""Issue 4 — contract, continued: search/list operations, schedules, shipments, whole demo set."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from skuport.sandbox.app import create_sandbox_app
from skuport.sandbox.faults import Fault

US = "ATVPDKIKX0DER"
ORDERS = "orders_2026-01-01.json"
LISTINGS = "listingsItems_2021-08-01.json"
FEEDS = "feeds_2021-06-30.json"
REPORTS = "reports_2021-06-30.json"


async def test_search_listings_get_feeds_and_schedules_match_the_model(
    http, na_token, validate, sandbox
):
    seller = next(s for s in sandbox.state.sellers.values() if s.region == "NA")
    search = await http.get(
        f"/listings/2021-08-01/items/{seller.seller_id}",
        params={
            "marketplaceIds": US,
            "includedData": "summaries,offers,fulfillmentAvailability",
            "pageSize": "5",
        },
        headers=na_token,
    )
    assert validate(search, LISTINGS, "searchListingsItems")["pagination"]["nextToken"]
    feeds_page = await http.get(
        "/feeds/2021-06-30/feeds", params={"feedTypes": "JSON_LISTINGS_FEED"}, headers=na_token
    )
    validate(feeds_page, FEEDS, "getFeeds")
    created = await http.post(
        "/reports/2021-06-30/schedules",
        headers=na_token,
        json={
            "reportType": "GET_MERCHANT_LISTINGS_ALL_DATA",
            "marketplaceIds": [US],
            "period": "P1D",
        },
    )
    assert created.status_code == 201
    validate(created, REPORTS, "createReportSchedule")
    listed = await http.get(
        "/reports/2021-06-30/schedules",
        params={"reportTypes": "GET_MERCHANT_LISTINGS_ALL_DATA"},
        headers=na_token,
    )
    assert len(validate(listed, REPORTS, "getReportSchedules")["reportSchedules"]) == 1
    bad = await http.post(
        "/reports/2021-06-30/schedules",
        headers=na_token,
        json={"reportType": "X", "marketplaceIds": [US], "period": "P1D"},
    )
    assert bad.status_code == 400
    validate(bad, REPORTS, "createReportSchedule")


async def _token(http, seller):
    response = await http.post(
        "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": seller.refresh_token,
            "client_id": seller.client_id,
            "client_secret": seller.client_secret,
        },
    )
    return {"x-amz-access-token": response.json()["access_token"]}


async def test_every_demo_order_of_both_sellers_matches_the_model(validate):
    app = create_sandbox_app(seed=11, size="demo")
    state = app.state.sandbox.state
    app.state.sandbox.limits.enabled = False
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://sb"
    ) as http:
        for seller in state.sellers.values():
            headers = await _token(http, seller)
            params = {
                "createdAfter": (state.clock.now() - timedelta(days=60)).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
                "includedData": "BUYER,RECIPIENT,PROCEEDS,FULFILLMENT,PROMOTION,PACKAGES",
                "maxResultsPerPage": "100",
            }
            seen = 0
            while True:
                body = validate(
                    await http.get("/orders/2026-01-01/orders", params=params, headers=headers),
                    ORDERS,
                    "searchOrders",
                )
                seen += len(body["orders"])
                if "pagination" not in body:
                    break
                params["paginationToken"] = body["pagination"]["nextToken"]
            assert seen == len(state.seller_orders(seller.seller_id))


async def test_confirm_shipment_answers_204_and_model_shaped_errors(
    http, na_token, validate, sandbox
):
    seller = next(s for s in sandbox.state.sellers.values() if s.region == "NA")
    order = next(
        o
        for o in sandbox.state.seller_orders(seller.seller_id)
        if o.status == "UNSHIPPED" and o.fulfilled_by == "MERCHANT"
    )
    detail = {
        "packageReferenceId": "1",
        "carrierCode": "UPS",
        "trackingNumber": "1Z1",
        "shipDate": "not-a-date",
        "orderItems": [
            {"orderItemId": line.order_item_id, "quantity": line.quantity} for line in order.lines
        ],
    }
    path = f"/orders/v0/orders/{order.order_id}/shipmentConfirmation"
    bad = await http.post(
        path,
        headers=na_token,
        json={"marketplaceId": order.marketplace_id, "packageDetail": detail},
    )
    assert bad.status_code == 400
    validate(bad, "ordersV0.json", "confirmShipment")
    detail["shipDate"] = "2026-08-01T10:00:00Z"
    good = await http.post(
        path,
        headers=na_token,
        json={"marketplaceId": order.marketplace_id, "packageDetail": detail},
    )
    assert good.status_code == 204 and good.content == b""
    again = await http.post(
        path,
        headers=na_token,
        json={"marketplaceId": order.marketplace_id, "packageDetail": detail},
    )
    assert again.status_code == 204  # resending a package reference edits that package
    assert order.status == "SHIPPED"
    events = [
        e
        for g in sandbox.state.groups.values()
        for e in g.events.get("ShipmentEventList", [])
        if e["AmazonOrderId"] == order.order_id
    ]
    assert len(events) == 1
    detail["orderItems"][0]["quantity"] += 1
    too_many = await http.post(
        path,
        headers=na_token,
        json={"marketplaceId": order.marketplace_id, "packageDetail": detail},
    )
    assert too_many.status_code == 400


async def test_cancel_errors_match_the_model(http, na_token, validate):
    feed = await http.delete("/feeds/2021-06-30/feeds/nope", headers=na_token)
    assert feed.status_code == 404
    validate(feed, FEEDS, "cancelFeed")
    report = await http.delete("/reports/2021-06-30/reports/nope", headers=na_token)
    assert report.status_code == 404
    validate(report, REPORTS, "cancelReport")


async def test_amazons_example_feed_is_processed_into_a_valid_report(
    http, na_token, sandbox, schema_problems, model_file
):
    import copy
    import json

    example = copy.deepcopy(model_file("listings-feed-schema-v2.example.json"))
    assert schema_problems(example, "listings-feed-schema-v2.json") == []
    seller = next(s for s in sandbox.state.sellers.values() if s.region == "NA")
    example["header"]["sellerId"] = seller.seller_id
    doc = (
        await http.post(
            "/feeds/2021-06-30/documents",
            headers=na_token,
            json={"contentType": "application/json"},
        )
    ).json()
    await http.put(doc["url"], content=json.dumps(example))
    created = await http.post(
        "/feeds/2021-06-30/feeds",
        headers=na_token,
        json={
            "feedType": "JSON_LISTINGS_FEED",
            "marketplaceIds": [US],
            "inputFeedDocumentId": doc["feedDocumentId"],
        },
    )
    sandbox.state.clock.advance(timedelta(minutes=10))
    feed = (
        await http.get(f"/feeds/2021-06-30/feeds/{created.json()['feedId']}", headers=na_token)
    ).json()
    result = (
        await http.get(
            f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}", headers=na_token
        )
    ).json()
    report = (await http.get(result["url"])).json()
    assert schema_problems(report, "listings-feed-processing-report-schema-v2.json") == []
    assert report["summary"]["messagesProcessed"] == len(example["messages"])
    assert report["header"]["report"]["includedData"] == example["header"]["report"]["includedData"]
    assert [item["sku"] for item in report["items"]] == ["My-SKU-C"]


def test_client_feed_documents_validate_against_amazons_feed_schema(schema_problems):
    from skuport.domain.amazon.feeds import listings_feed
    from skuport.domain.amazon.listings import stock_patch

    document = listings_feed(
        "A1SELLER",
        [
            {
                "sku": "A",
                "operationType": "PATCH",
                "productType": "HOME",
                "patches": [stock_patch(3)],
            },
            {"sku": "B", "operationType": "DELETE"},
        ],
    )
    assert schema_problems(document, "listings-feed-schema-v2.json") == []
    assert [m["messageId"] for m in document["messages"]] == [1, 2]


async def test_pagination_token_needs_the_same_filters_and_expires(
    http, na_token, validate, sandbox
):
    since = (sandbox.state.clock.now() - timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    params = {"lastUpdatedAfter": since, "marketplaceIds": US, "maxResultsPerPage": "2"}
    first = (await http.get("/orders/2026-01-01/orders", params=params, headers=na_token)).json()
    token = first["pagination"]["nextToken"]
    changed = {**params, "marketplaceIds": "A2EUQ1WTGCTBG2", "paginationToken": token}
    refused = await http.get("/orders/2026-01-01/orders", params=changed, headers=na_token)
    assert refused.status_code == 400
    validate(refused, ORDERS, "searchOrders")
    same = {**params, "maxResultsPerPage": "5", "paginationToken": token}
    assert (
        await http.get("/orders/2026-01-01/orders", params=same, headers=na_token)
    ).status_code == 200
    sandbox.state.clock.advance(timedelta(hours=25))
    seller = next(s for s in sandbox.state.sellers.values() if s.region == "NA")
    fresh = await _token(http, seller)  # the access token expired too
    expired = await http.get("/orders/2026-01-01/orders", params=same, headers=fresh)
    assert expired.status_code == 400 and "expired" in expired.json()["errors"][0]["message"]


async def test_event_groups_before_bound_must_be_two_minutes_old(http, na_token, validate, sandbox):
    now = sandbox.state.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    response = await http.get(
        "/finances/v0/financialEventGroups",
        params={"FinancialEventGroupStartedBefore": now},
        headers=na_token,
    )
    assert response.status_code == 400
    validate(response, "financesV0.json", "listFinancialEventGroups")


async def test_events_by_order_id_match_the_model(http, na_token, validate, sandbox):
    seller = next(s for s in sandbox.state.sellers.values() if s.region == "NA")
    order = next(o for o in sandbox.state.seller_orders(seller.seller_id) if o.status == "SHIPPED")
    response = await http.get(
        f"/finances/v0/orders/{order.order_id}/financialEvents", headers=na_token
    )
    body = validate(response, "financesV0.json", "listFinancialEventsByOrderId")
    assert (
        body["payload"]["FinancialEvents"]["ShipmentEventList"][0]["AmazonOrderId"]
        == order.order_id
    )


OPERATIONS = [
    (
        "sellers.json",
        "getMarketplaceParticipations",
        "GET",
        "/sellers/v1/marketplaceParticipations",
    ),
    (ORDERS, "searchOrders", "GET", "/orders/2026-01-01/orders"),
    (ORDERS, "getOrder", "GET", "/orders/2026-01-01/orders/1"),
    ("ordersV0.json", "confirmShipment", "POST", "/orders/v0/orders/1/shipmentConfirmation"),
    ("catalogItems_2022-04-01.json", "searchCatalogItems", "GET", "/catalog/2022-04-01/items"),
    ("catalogItems_2022-04-01.json", "getCatalogItem", "GET", "/catalog/2022-04-01/items/B0X"),
    (LISTINGS, "getListingsItem", "GET", "/listings/2021-08-01/items/A1/S"),
    (LISTINGS, "putListingsItem", "PUT", "/listings/2021-08-01/items/A1/S"),
    (LISTINGS, "patchListingsItem", "PATCH", "/listings/2021-08-01/items/A1/S"),
    (LISTINGS, "deleteListingsItem", "DELETE", "/listings/2021-08-01/items/A1/S"),
    (LISTINGS, "searchListingsItems", "GET", "/listings/2021-08-01/items/A1"),
    (FEEDS, "createFeedDocument", "POST", "/feeds/2021-06-30/documents"),
    (FEEDS, "getFeedDocument", "GET", "/feeds/2021-06-30/documents/D"),
    (FEEDS, "createFeed", "POST", "/feeds/2021-06-30/feeds"),
    (FEEDS, "getFeeds", "GET", "/feeds/2021-06-30/feeds"),
    (FEEDS, "getFeed", "GET", "/feeds/2021-06-30/feeds/F"),
    (FEEDS, "cancelFeed", "DELETE", "/feeds/2021-06-30/feeds/F"),
    (REPORTS, "createReport", "POST", "/reports/2021-06-30/reports"),
    (REPORTS, "getReports", "GET", "/reports/2021-06-30/reports"),
    (REPORTS, "getReport", "GET", "/reports/2021-06-30/reports/R"),
    (REPORTS, "cancelReport", "DELETE", "/reports/2021-06-30/reports/R"),
    (REPORTS, "getReportDocument", "GET", "/reports/2021-06-30/documents/D"),
    (REPORTS, "createReportSchedule", "POST", "/reports/2021-06-30/schedules"),
    (REPORTS, "getReportSchedules", "GET", "/reports/2021-06-30/schedules"),
    (REPORTS, "cancelReportSchedule", "DELETE", "/reports/2021-06-30/schedules/S"),
    ("financesV0.json", "listFinancialEventGroups", "GET", "/finances/v0/financialEventGroups"),
    (
        "financesV0.json",
        "listFinancialEventsByGroupId",
        "GET",
        "/finances/v0/financialEventGroups/G/financialEvents",
    ),
    (
        "financesV0.json",
        "listFinancialEventsByOrderId",
        "GET",
        "/finances/v0/orders/1/financialEvents",
    ),
    ("finances_2024-06-19.json", "listTransactions", "GET", "/finances/2024-06-19/transactions"),
]


@pytest.mark.parametrize(("model", "operation", "method", "path"), OPERATIONS)
async def test_every_operation_refuses_a_bad_token_and_throttles_like_the_model(
    http, na_token, validate, sandbox, model, operation, method, path
):
    refused = await http.request(method, path, headers={"x-amz-access-token": "Atza|forged"})
    assert refused.status_code == 403
    assert validate(refused, model, operation)["errors"][0]["code"] == "Unauthorized"
    sandbox.faults.add(Fault("429", operation=operation))
    throttled = await http.request(method, path, headers=na_token)
    assert throttled.status_code == 429
    assert validate(throttled, model, operation)["errors"][0]["code"] == "QuotaExceeded"
