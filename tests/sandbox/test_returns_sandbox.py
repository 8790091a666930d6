"""Issue 14 — refunds, returns and reimbursements staged on the sandbox Amazon (BX-1).

What the control endpoints stage is what the Finances APIs and the returns reports answer.
"""

from __future__ import annotations

import csv
import gzip
import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

NA = "ATVPDKIKX0DER"
FINANCES = "financesV0.json"
FBA_REPORT = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
MFN_REPORT = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"
DISPOSITIONS = ["SELLABLE", "DAMAGED", "CUSTOMER_DAMAGED", "DEFECTIVE", "CARRIER_DAMAGED"]


def _na(sandbox):
    return next(s for s in sandbox.state.sellers.values() if s.region == "NA")


async def _order(http, sandbox, order_id, *, fba=False, status="SHIPPED"):
    """A shipped order of two lines: 2 mugs at 10.00 (+0.80 tax) with 4.99 shipping, 1 cup."""
    staged = await http.post(
        "/_sandbox/orders",
        json={
            "sellerId": _na(sandbox).seller_id,
            "marketplaceId": NA,
            "orderId": order_id,
            "fulfilledBy": "AMAZON" if fba else "MERCHANT",
            "status": status,
            "lines": [
                {
                    "sku": "RET-MUG",
                    "asin": "B0RETMUG01",
                    "quantity": 2,
                    "unitPrice": "10.00",
                    "itemTax": "0.80",
                    "shippingPrice": "4.99",
                    "shippingTax": "0",
                },
                {"sku": "RET-CUP", "asin": "B0RETCUP01", "quantity": 1, "unitPrice": "6.00"},
            ],
        },
    )
    assert staged.status_code == 201, staged.text


async def _events(http, headers):
    """Every event posted since the day before now, once Amazon has them (10 minutes on)."""
    now = (await http.get("/_sandbox/clock")).json()["now"]
    after = (datetime.fromisoformat(now.replace("Z", "+00:00")) - timedelta(days=1)).isoformat()
    await http.post("/_sandbox/clock", json={"seconds": 600})
    response = await http.get(
        "/finances/v0/financialEvents", params={"PostedAfter": after}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response


def _money(entries, kind_key, money_key):
    return {e[kind_key]: Decimal(str(e[money_key]["CurrencyAmount"])) for e in entries}


def _refunds_of(events, order_id):
    return [e for e in events.get("RefundEventList", []) if e["AmazonOrderId"] == order_id]


async def test_bx1_a_full_refund_gives_back_every_line_and_shipping(
    http, sandbox, na_token, validate
):
    """BX-1: no items = every unit of every line, with shipping; charges negative, the
    commission comes back less Amazon's refund administration fee."""
    await _order(http, sandbox, "114-0000014-0000001")
    staged = await http.post("/_sandbox/orders/114-0000014-0000001/refund", json={})
    assert staged.status_code == 201, staged.text
    body = validate(await _events(http, na_token), FINANCES, "listFinancialEvents")
    (refund,) = _refunds_of(body["payload"]["FinancialEvents"], "114-0000014-0000001")
    mug, cup = refund["ShipmentItemAdjustmentList"]
    assert (mug["SellerSKU"], mug["QuantityShipped"]) == ("RET-MUG", 2)
    assert (cup["SellerSKU"], cup["QuantityShipped"]) == ("RET-CUP", 1)
    charges = _money(mug["ItemChargeAdjustmentList"], "ChargeType", "ChargeAmount")
    assert charges == {
        "Principal": Decimal("-20.0"),
        "Tax": Decimal("-0.8"),
        "ShippingCharge": Decimal("-4.99"),
    }
    fees = _money(mug["ItemFeeAdjustmentList"], "FeeType", "FeeAmount")
    assert fees == {"Commission": Decimal("3.0"), "RefundCommission": Decimal("-0.6")}
    assert mug["OrderAdjustmentItemId"] != cup["OrderAdjustmentItemId"]
    again = await http.post("/_sandbox/orders/114-0000014-0000001/refund", json={})
    assert again.status_code == 400 and "already fully refunded" in again.json()["error"]


async def test_bx1_a_partial_refund_of_an_amount_refunds_only_that_line(
    http, sandbox, na_token, validate
):
    """BX-1: one unit of one line for a chosen amount, no shipping; more than sold is refused."""
    await _order(http, sandbox, "114-0000014-0000002")
    staged = await http.post(
        "/_sandbox/orders/114-0000014-0000002/refund",
        json={"items": [{"sku": "RET-MUG", "quantity": 1, "amount": "4.00"}]},
    )
    assert staged.status_code == 201, staged.text
    body = validate(await _events(http, na_token), FINANCES, "listFinancialEvents")
    (refund,) = _refunds_of(body["payload"]["FinancialEvents"], "114-0000014-0000002")
    (item,) = refund["ShipmentItemAdjustmentList"]
    charges = _money(item["ItemChargeAdjustmentList"], "ChargeType", "ChargeAmount")
    assert charges == {"Principal": Decimal("-4.0"), "Tax": Decimal("-0.16")}
    too_many = await http.post(
        "/_sandbox/orders/114-0000014-0000002/refund",
        json={"items": [{"sku": "RET-MUG", "quantity": 2}]},
    )
    assert too_many.status_code == 400 and "1 to 1" in too_many.json()["error"]
    unknown = await http.post(
        "/_sandbox/orders/114-0000014-0000002/refund",
        json={"items": [{"sku": "NOPE", "quantity": 1}]},
    )
    assert unknown.status_code == 400 and "NOPE" in unknown.json()["error"]


async def test_bx1_a_refund_is_a_refund_transaction_of_its_order(http, sandbox, na_token, validate):
    """BX-1: the 2024 transactions show the refund under the order id, its total negative."""
    await _order(http, sandbox, "114-0000014-0000003")
    await http.post("/_sandbox/orders/114-0000014-0000003/refund", json={})
    await http.post("/_sandbox/clock", json={"seconds": 600})
    response = await http.get(
        "/finances/2024-06-19/transactions",
        params={
            "relatedIdentifierName": "ORDER_ID",
            "relatedIdentifierValue": "114-0000014-0000003",
        },
        headers=na_token,
    )
    rows = validate(response, "finances_2024-06-19.json", "listTransactions")["payload"]
    refunds = [t for t in rows["transactions"] if t["transactionType"] == "Refund"]
    assert len(refunds) == 1 and refunds[0]["totalAmount"]["currencyAmount"] < 0


async def test_bx1_an_order_never_charged_cannot_be_refunded(http, sandbox):
    """BX-1: a pending order has nothing to refund; an unknown order is not found."""
    await _order(http, sandbox, "114-0000014-0000004", status="PENDING")
    pending = await http.post("/_sandbox/orders/114-0000014-0000004/refund", json={})
    assert pending.status_code == 400 and "never charged" in pending.json()["error"]
    missing = await http.post("/_sandbox/orders/114-0000099-0000099/refund", json={})
    assert missing.status_code == 404


async def _report(http, headers, report_type, start=None, end=None):
    if start is None:
        now = (await http.get("/_sandbox/clock")).json()["now"]
        start = (datetime.fromisoformat(now.replace("Z", "+00:00")) - timedelta(days=1)).isoformat()
    body = {"reportType": report_type, "marketplaceIds": [NA], "dataStartTime": start}
    if end:
        body["dataEndTime"] = end
    created = await http.post("/reports/2021-06-30/reports", json=body, headers=headers)
    if created.status_code != 202:
        return created
    report_id = created.json()["reportId"]
    await http.post("/_sandbox/clock", json={"seconds": 600})
    report = (await http.get(f"/reports/2021-06-30/reports/{report_id}", headers=headers)).json()
    if report["processingStatus"] != "DONE":
        return []
    document_id = report["reportDocumentId"]
    document = await http.get(f"/reports/2021-06-30/documents/{document_id}", headers=headers)
    content = (await http.get(document.json()["url"])).content
    text = gzip.decompress(content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


async def test_bx1_fba_returns_report_shows_each_disposition(http, sandbox, na_token):
    """BX-1: FBA orders' returns are rows of the FBA returns report, one per disposition."""
    for n, disposition in enumerate(DISPOSITIONS):
        order_id = f"114-0000014-10000{n}0"
        await _order(http, sandbox, order_id, fba=True)
        staged = await http.post(
            f"/_sandbox/orders/{order_id}/return",
            json={
                "sku": "RET-MUG",
                "quantity": 1,
                "disposition": disposition,
                "reason": "UNWANTED",
            },
        )
        assert staged.status_code == 201, staged.text
        assert staged.json()["return"]["channel"] == "FBA"
    rows = await _report(http, na_token, FBA_REPORT)
    assert [r["detailed-disposition"] for r in rows] == DISPOSITIONS
    assert {(r["sku"], r["quantity"], r["reason"]) for r in rows} == {("RET-MUG", "1", "UNWANTED")}
    assert len({r["license-plate-number"] for r in rows}) == len(DISPOSITIONS)
    assert await _report(http, na_token, MFN_REPORT) == []  # none of them is merchant-fulfilled


async def test_bx1_a_revised_fba_return_comes_back_with_its_new_disposition(
    http, sandbox, na_token
):
    """BX-1: Amazon revises SELLABLE to DAMAGED: same return date and LPN, new disposition,
    also in a report of the day of the revision only."""
    await _order(http, sandbox, "114-0000014-0000005", fba=True)
    await http.post(
        "/_sandbox/orders/114-0000014-0000005/return",
        json={"sku": "RET-CUP", "quantity": 1, "disposition": "SELLABLE", "reason": "UNWANTED"},
    )
    (before,) = await _report(http, na_token, FBA_REPORT)
    await http.post("/_sandbox/clock", json={"seconds": 3 * 86400})
    revised_at = (await http.get("/_sandbox/clock")).json()["now"]
    revised = await http.post(
        "/_sandbox/returns/revise",
        json={"orderId": "114-0000014-0000005", "sku": "RET-CUP", "disposition": "DAMAGED"},
    )
    assert revised.status_code == 200, revised.text
    headers = {"x-amz-access-token": await _fresh_token(http, sandbox)}
    (after,) = await _report(http, headers, FBA_REPORT, start=revised_at)
    assert (
        after["detailed-disposition"] == "DAMAGED" and before["detailed-disposition"] == "SELLABLE"
    )
    assert (after["return-date"], after["license-plate-number"]) == (
        before["return-date"],
        before["license-plate-number"],
    )


async def _fresh_token(http, sandbox):
    seller = _na(sandbox)
    response = await http.post(
        "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": seller.refresh_token,
            "client_id": seller.client_id,
            "client_secret": seller.client_secret,
        },
    )
    return response.json()["access_token"]


async def test_bx1_merchant_returns_report_shows_receipt_refund_and_safet(http, sandbox, na_token):
    """BX-1: a merchant-fulfilled return: RMA, reason, delivery date once received, the amount
    refunded and the SAFE-T claim; Amazon does not revise these."""
    await _order(http, sandbox, "114-0000014-0000006")
    await _order(http, sandbox, "114-0000014-0000007")
    first = await http.post(
        "/_sandbox/orders/114-0000014-0000006/return",
        json={"sku": "RET-MUG", "quantity": 2, "disposition": "SELLABLE", "reason": "TOO_SMALL"},
    )
    assert first.json()["return"]["channel"] == "MFN"
    await http.post(
        "/_sandbox/orders/114-0000014-0000007/return",
        json={"sku": "RET-CUP", "quantity": 1, "disposition": "DAMAGED", "received": True},
    )
    await http.post(
        "/_sandbox/orders/114-0000014-0000006/refund",
        json={"items": [{"sku": "RET-MUG", "quantity": 2}]},
    )
    await http.post(
        "/_sandbox/reimbursements",
        json={"orderId": "114-0000014-0000007", "sku": "RET-CUP", "kind": "SAFE-T", "amount": "6"},
    )
    rows = {r["Order ID"]: r for r in await _report(http, na_token, MFN_REPORT)}
    mug, cup = rows["114-0000014-0000006"], rows["114-0000014-0000007"]
    assert (mug["Merchant SKU"], mug["Return quantity"], mug["Return Reason"]) == (
        "RET-MUG",
        "2",
        "TOO_SMALL",
    )
    assert mug["Refunded Amount"] == "20.80" and mug["Return delivery date"] == ""
    assert mug["Amazon RMA ID"] and mug["SafeT claim id"] == ""
    assert cup["Return delivery date"] and cup["Refunded Amount"] == ""
    assert cup["SafeT claim id"] and cup["SafeT claim reimbursement amount"] == "6.00"
    refused = await http.post(
        "/_sandbox/returns/revise",
        json={"orderId": "114-0000014-0000007", "sku": "RET-CUP", "disposition": "SELLABLE"},
    )
    assert refused.status_code == 400


async def test_bx1_a_merchant_returns_report_covers_at_most_60_days(http, na_token):
    """BX-1: Amazon refuses a merchant-fulfilled returns report of a longer window."""
    response = await _report(
        http, na_token, MFN_REPORT, start="2026-01-01T00:00:00Z", end="2026-03-15T00:00:00Z"
    )
    assert response.status_code == 400 and "60 days" in response.text


@pytest.mark.parametrize(
    ("kind", "adjustment"),
    [
        ("FBA lost", "WAREHOUSE_LOST"),
        ("FBA damaged", "WAREHOUSE_DAMAGE"),
        ("FBA customer return", "REVERSAL_REIMBURSEMENT"),
    ],
)
async def test_bx1_an_fba_reimbursement_names_its_order_and_sku(
    http, sandbox, na_token, validate, kind, adjustment
):
    """BX-1: an FBA reimbursement is an adjustment event and a transaction naming the order."""
    await _order(http, sandbox, "114-0000014-0000008", fba=True)
    staged = await http.post(
        "/_sandbox/reimbursements",
        json={
            "orderId": "114-0000014-0000008",
            "sku": "RET-MUG",
            "quantity": 2,
            "kind": kind,
            "amount": "15.50",
        },
    )
    assert staged.status_code == 201, staged.text
    body = validate(await _events(http, na_token), FINANCES, "listFinancialEvents")
    (event,) = body["payload"]["FinancialEvents"]["AdjustmentEventList"]
    assert event["AdjustmentType"] == adjustment
    assert event["AdjustmentItemList"][0]["SellerSKU"] == "RET-MUG"
    response = await http.get(
        "/finances/2024-06-19/transactions",
        params={
            "relatedIdentifierName": "ORDER_ID",
            "relatedIdentifierValue": "114-0000014-0000008",
        },
        headers=na_token,
    )
    rows = validate(response, "finances_2024-06-19.json", "listTransactions")["payload"]
    (paid,) = [t for t in rows["transactions"] if t["transactionType"] == "Adjustment"]
    assert paid["totalAmount"] == {"currencyCode": "USD", "currencyAmount": 15.5}
    context = paid["items"][0]["contexts"][0]
    assert (context["sku"], context["quantityShipped"]) == ("RET-MUG", 2)


async def test_bx1_a_reimbursement_needs_a_known_kind_and_sku(http, sandbox):
    """BX-1: an unknown kind, a missing SKU or a non-positive amount is refused."""
    for body in (
        {"sku": "RET-MUG", "kind": "Lucky", "amount": "1"},
        {"kind": "FBA lost", "amount": "1"},
        {"sku": "NO-SUCH-SKU", "kind": "FBA lost", "amount": "1"},
    ):
        response = await http.post("/_sandbox/reimbursements", json=body)
        assert response.status_code in (400, 404), body
    await _order(http, sandbox, "114-0000014-0000009")
    zero = await http.post(
        "/_sandbox/reimbursements",
        json={"orderId": "114-0000014-0000009", "sku": "RET-MUG", "kind": "SAFE-T", "amount": 0},
    )
    assert zero.status_code == 400
