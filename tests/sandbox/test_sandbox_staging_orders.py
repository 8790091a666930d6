"""Issue 11 — staging any order through the control API, served like a seeded one (OR-1, OR-5)."""

from __future__ import annotations

import gzip

import pytest

NA = "ATVPDKIKX0DER"
UK = "A1F83G8C2ARO7P"
JP = "A1VC38T7YXB528"
ORDERS = "orders_2026-01-01.json"


def _na(sandbox):
    return next(s for s in sandbox.state.sellers.values() if s.region == "NA")


def _sku(sandbox, seller, marketplace_id=NA, fba=False):
    return next(
        lst.sku
        for lst in sandbox.state.listings.values()
        if lst.seller_id == seller.seller_id
        and marketplace_id in lst.offers
        and lst.offers[marketplace_id].price > 0
        and (lst.offers[marketplace_id].fulfillment != "DEFAULT") == fba
    )


async def _token(http, credentials):
    response = await http.post(
        "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": credentials["refreshToken"],
            "client_id": credentials["clientId"],
            "client_secret": credentials["clientSecret"],
        },
    )
    return {"x-amz-access-token": response.json()["access_token"]}


async def test_an_order_with_chosen_lines_is_served_by_search_and_get_order(
    http, sandbox, na_token, validate
):
    """OR-1: the same SKU on two lines, chosen prices, discounts, gift wrap, address, buyer."""
    seller = _na(sandbox)
    sku = _sku(sandbox, seller)
    await http.post("/_sandbox/clock", json={"seconds": 1800})
    staged = await http.post(
        "/_sandbox/orders",
        json={
            "sellerId": seller.seller_id,
            "marketplaceId": NA,
            "orderId": "114-0000001-0000001",
            "purchaseTime": "2026-08-01T12:20:00Z",
            "buyer": {"buyerName": "Ada Lovelace", "buyerEmail": "ada@marketplace.amazon"},
            "shipTo": {"countryCode": "US", "postalCode": "10001", "city": "New York"},
            "lines": [
                {"sku": sku, "quantity": 2, "unitPrice": "10.00", "promotionDiscount": "1.50"},
                {
                    "sku": sku,
                    "quantity": 1,
                    "unitPrice": "9.00",
                    "giftWrap": "3.00",
                    "shippingPrice": "4.99",
                    "shippingDiscount": "4.99",
                    "itemTax": "0.74",
                    "giftWrapTax": "0.25",
                    "shippingTax": "0",
                },
            ],
        },
    )
    assert staged.status_code == 201, staged.text
    got = await http.get(
        "/orders/2026-01-01/orders/114-0000001-0000001",
        params={"includedData": "BUYER,RECIPIENT,PROCEEDS,FULFILLMENT,PROMOTION"},
        headers=na_token,
    )
    order = validate(got, ORDERS, "getOrder")["order"]
    first, second = order["orderItems"]
    assert [first["product"]["sellerSku"], second["product"]["sellerSku"]] == [sku, sku]
    assert (
        first["quantityOrdered"] == 2
        and first["product"]["price"]["unitPrice"]["amount"] == "10.00"
    )
    # item 20.00 - 1.50 promotion + 8.25 % tax on 18.50 (1.53, the sandbox's default US tax)
    assert first["proceeds"]["proceedsTotal"]["amount"] == "20.03"
    # 9.00 + 3.00 gift wrap + 4.99 shipping - 4.99 shipping discount + 0.74 + 0.25 tax
    assert second["proceeds"]["proceedsTotal"]["amount"] == "12.99"
    assert order["proceeds"]["grandTotal"]["amount"] == "33.02"
    assert order["createdTime"] == "2026-08-01T12:20:00Z"
    assert order["buyer"]["buyerName"] == "Ada Lovelace"
    assert order["recipient"]["deliveryAddress"]["postalCode"] == "10001"
    assert order["recipient"]["deliveryAddress"]["city"] == "New York"
    search = await http.get(
        "/orders/2026-01-01/orders",
        params={"marketplaceIds": NA, "createdAfter": "2026-08-01T12:19:00Z"},
        headers=na_token,
    )
    found = validate(search, ORDERS, "searchOrders")["orders"]
    assert [o["orderId"] for o in found] == ["114-0000001-0000001"]


async def test_a_jpy_order_of_a_new_japanese_seller_has_whole_yen(http, validate):
    """OR-5: JPY has no decimals, in the order and in the orders report."""
    created = await http.post(
        "/_sandbox/sellers", json={"name": "Tokyo Traders", "region": "FE", "countries": ["JP"]}
    )
    assert created.status_code == 201, created.text
    seller = created.json()
    assert seller["marketplaces"] == [{"id": JP, "country": "JP", "currency": "JPY"}]
    headers = await _token(http, seller)
    await http.post("/_sandbox/clock", json={"seconds": 600})
    staged = await http.post(
        "/_sandbox/orders",
        json={
            "sellerId": seller["sellerId"],
            "shipTo": {"countryCode": "JP", "postalCode": "150-0002"},
            "lines": [{"sku": "JP-MUG", "asin": "B0JPMUG001", "quantity": 3, "unitPrice": 1280}],
        },
    )
    assert staged.status_code == 201, staged.text
    order_id = staged.json()["order"]["orderId"]
    got = await http.get(
        f"/orders/2026-01-01/orders/{order_id}",
        params={"includedData": "PROCEEDS"},
        headers=headers,
    )
    order = validate(got, ORDERS, "getOrder")["order"]
    assert order["proceeds"]["grandTotal"] == {"amount": "3840", "currencyCode": "JPY"}
    assert order["orderItems"][0]["product"]["price"]["unitPrice"]["amount"] == "1280"
    fractional = await http.post(
        "/_sandbox/orders",
        json={"sellerId": seller["sellerId"], "lines": [{"sku": "JP-MUG", "unitPrice": "12.5"}]},
    )
    assert fractional.status_code == 400 and "no decimals" in fractional.json()["error"]
    report = await _orders_report(http, headers, JP)
    assert "\t3840" in report and "3840.00" not in report


async def _orders_report(http, headers, marketplace_id) -> str:
    created = await http.post(
        "/reports/2021-06-30/reports",
        json={
            "reportType": "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
            "marketplaceIds": [marketplace_id],
            "dataStartTime": "2026-07-01T00:00:00Z",
        },
        headers=headers,
    )
    report_id = created.json()["reportId"]
    await http.post("/_sandbox/clock", json={"seconds": 600})
    report = (await http.get(f"/reports/2021-06-30/reports/{report_id}", headers=headers)).json()
    document_id = report["reportDocumentId"]
    document = (
        await http.get(f"/reports/2021-06-30/documents/{document_id}", headers=headers)
    ).json()
    content = (await http.get(document["url"])).content
    return gzip.decompress(content).decode() if document.get("compressionAlgorithm") else content


async def test_fba_order_by_default_when_the_sku_is_fba_and_any_field_can_be_chosen(
    http, sandbox, na_token, validate
):
    """OR-7: the fulfilment channel follows the SKU's offer unless chosen."""
    seller = _na(sandbox)
    fba_sku = _sku(sandbox, seller, fba=True)
    base = {"sellerId": seller.seller_id, "lines": [{"sku": fba_sku}]}
    fba = (await http.post("/_sandbox/orders", json=base)).json()["order"]
    assert fba["fulfillment"]["fulfilledBy"] == "AMAZON"
    chosen = await http.post(
        "/_sandbox/orders",
        json={
            **base,
            "fulfilledBy": "MERCHANT",
            "status": "SHIPPED",
            "programs": ["AMAZON_BUSINESS"],
            "buyer": {"buyerCompanyName": "Acme", "buyerPurchaseOrderNumber": "PO-1"},
        },
    )
    order = chosen.json()["order"]
    assert order["fulfillment"] == order["fulfillment"] | {
        "fulfilledBy": "MERCHANT",
        "fulfillmentStatus": "SHIPPED",
    }
    assert order["buyer"]["buyerPurchaseOrderNumber"] == "PO-1"
    got = await http.get(f"/orders/2026-01-01/orders/{order['orderId']}", headers=na_token)
    validate(got, ORDERS, "getOrder")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"lines": []}, 400),
        ({"lines": [{"sku": "NOPE"}]}, 400),
        ({"lines": [{"sku": "NOPE", "unitPrice": "5", "quantity": 0}]}, 400),
        ({"lines": [{"sku": "NOPE", "unitPrice": "-5"}]}, 400),
        ({"lines": [{"sku": "NOPE", "unitPrice": "5"}], "purchaseTime": "2030-01-01T00:00Z"}, 400),
        ({"lines": [{"sku": "NOPE", "unitPrice": "5"}], "marketplaceId": UK}, 400),
        ({"lines": [{"sku": "NOPE", "unitPrice": "5"}], "status": "LOST"}, 400),
    ],
)
async def test_impossible_orders_are_refused_with_the_reason(http, sandbox, body, status):
    response = await http.post(
        "/_sandbox/orders", json={"sellerId": _na(sandbox).seller_id, **body}
    )
    assert response.status_code == status and response.json()["error"]


async def test_a_repeated_order_id_is_refused(http, sandbox):
    body = {
        "sellerId": _na(sandbox).seller_id,
        "orderId": "114-0000002-0000002",
        "lines": [{"sku": "X", "unitPrice": "1"}],
    }
    assert (await http.post("/_sandbox/orders", json=body)).status_code == 201
    assert (await http.post("/_sandbox/orders", json=body)).status_code == 409


async def test_a_malformed_order_can_be_fixed_then_served_well_formed(
    http, sandbox, na_token, validate
):
    """OR-9 'fix, then retry': repair serves the order well-formed again, updated now."""
    seller = _na(sandbox)
    created = await http.post(
        "/_sandbox/orders",
        json={"sellerId": seller.seller_id, "lines": [{"sku": "A", "unitPrice": "5"}]},
    )
    order_id = created.json()["order"]["orderId"]
    await http.post(f"/_sandbox/orders/{order_id}/malformed")
    broken = await http.get(f"/orders/2026-01-01/orders/{order_id}", headers=na_token)
    assert broken.json()["order"]["orderItems"][0]["quantityOrdered"] == "one"
    await http.post("/_sandbox/clock", json={"seconds": 300})
    repaired = await http.post(f"/_sandbox/orders/{order_id}/repair")
    assert repaired.status_code == 200
    assert repaired.json()["order"]["lastUpdatedTime"] == "2026-08-01T12:05:00Z"
    got = await http.get(f"/orders/2026-01-01/orders/{order_id}", headers=na_token)
    assert validate(got, ORDERS, "getOrder")["order"]["orderItems"][0]["quantityOrdered"] == 1
    assert (await http.post("/_sandbox/orders/nope/repair")).status_code == 404


async def test_any_field_of_an_order_changes_as_amazon_updates_orders(
    http, sandbox, na_token, validate
):
    """OR-5: an update moves LastUpdateDate and searchOrders by lastUpdatedAfter finds it."""
    seller = _na(sandbox)
    created = await http.post(
        "/_sandbox/orders",
        json={"sellerId": seller.seller_id, "lines": [{"sku": "A", "unitPrice": "5"}]},
    )
    order_id = created.json()["order"]["orderId"]
    await http.post("/_sandbox/clock", json={"seconds": 1800})
    changed = await http.patch(
        f"/_sandbox/orders/{order_id}",
        json={
            "shipTo": {"postalCode": "94105", "city": "San Francisco", "stateOrRegion": "CA"},
            "lines": [{"sku": "A", "unitPrice": "7", "quantity": 2, "itemTax": "0"}],
            "status": "SHIPPED",
        },
    )
    assert changed.status_code == 200, changed.text
    order = changed.json()["order"]
    assert order["lastUpdatedTime"] == "2026-08-01T12:30:00Z"
    assert order["createdTime"] == "2026-08-01T12:00:00Z"
    await http.post("/_sandbox/clock", json={"seconds": 300})
    search = await http.get(
        "/orders/2026-01-01/orders",
        params={
            "lastUpdatedAfter": "2026-08-01T12:20:00Z",
            "includedData": "RECIPIENT,PROCEEDS",
        },
        headers=na_token,
    )
    found = validate(search, ORDERS, "searchOrders")["orders"]
    assert [o["orderId"] for o in found] == [order_id]
    assert found[0]["recipient"]["deliveryAddress"]["city"] == "San Francisco"
    assert found[0]["proceeds"]["grandTotal"]["amount"] == "14.00"
    assert found[0]["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    refused = await http.patch(f"/_sandbox/orders/{order_id}", json={"status": "LOST"})
    assert refused.status_code == 400
    kept = await http.get(f"/orders/2026-01-01/orders/{order_id}", headers=na_token)
    assert kept.json()["order"]["lastUpdatedTime"] == "2026-08-01T12:30:00Z"
    assert (
        await http.patch(f"/_sandbox/orders/{order_id}", json={"orderId": "x"})
    ).status_code == 400
