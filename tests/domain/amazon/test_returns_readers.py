"""Issue 14 — reading refunds, reimbursements and returns from Amazon (BX-1).

Amazon's side is staged through the sandbox control API; the readers go through our SP-API
client like any store's job would.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
import pytest

from skuport.domain.amazon import returns
from skuport.domain.amazon.finances import Transaction
from skuport.domain.amazon.returns import RefundCharge

NA = "ATVPDKIKX0DER"


@pytest.fixture
async def control(sandbox_app):
    """Raw HTTP to the sandbox's control API."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox_app), base_url="http://sandbox.test"
    ) as client:
        yield client


async def _order(control, seller, order_id, *, fba=False, quantity=2):
    staged = await control.post(
        "/_sandbox/orders",
        json={
            "sellerId": seller.seller_id,
            "marketplaceId": NA,
            "orderId": order_id,
            "fulfilledBy": "AMAZON" if fba else "MERCHANT",
            "status": "SHIPPED",
            "lines": [
                {
                    "sku": "RET-MUG",
                    "asin": "B0RETMUG01",
                    "quantity": quantity,
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


async def _post(control, path, body):
    response = await control.post(path, json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def test_bx1_refunds_are_read_with_their_lines_charges_and_fees(
    make_client, sandbox, control, na_seller
):
    """BX-1: a full and a partial refund, each line with its signed charges and fees."""
    start = sandbox.state.clock.now() - timedelta(minutes=1)
    await _order(control, na_seller, "114-0000014-2000001")
    await _order(control, na_seller, "114-0000014-2000002")
    await _post(control, "/_sandbox/orders/114-0000014-2000001/refund", {})
    await _post(
        control,
        "/_sandbox/orders/114-0000014-2000002/refund",
        {"items": [{"sku": "RET-CUP", "quantity": 1, "amount": "2.50"}]},
    )
    sandbox.state.clock.advance(timedelta(minutes=10))
    client = make_client()
    end = sandbox.state.clock.now()
    found = {
        r.order_id: r
        for r in await returns.list_refunds(client, posted_after=start, posted_before=end)
    }
    full, partial = found["114-0000014-2000001"], found["114-0000014-2000002"]
    assert full.marketplace_id == NA and full.posted_at is not None
    assert [(i.sku, i.quantity) for i in full.items] == [("RET-MUG", 2), ("RET-CUP", 1)]
    assert full.items[0].charges == (
        RefundCharge("Principal", Decimal("-20.0"), "USD"),
        RefundCharge("Tax", Decimal("-0.8"), "USD"),
        RefundCharge("ShippingCharge", Decimal("-4.99"), "USD"),
    )
    assert full.items[0].fees == (
        RefundCharge("Commission", Decimal("3.0"), "USD"),
        RefundCharge("RefundCommission", Decimal("-0.6"), "USD"),
    )
    (cup,) = partial.items
    assert (cup.sku, cup.quantity, cup.charges[0].amount) == ("RET-CUP", 1, Decimal("-2.5"))
    again = await returns.list_refunds(client, posted_after=start, posted_before=end)
    assert {r.refund_key for r in again} == {r.refund_key for r in found.values()}
    assert len({r.refund_key for r in again}) == 2


async def test_bx1_refunds_are_read_across_pages_and_long_windows(
    make_client, sandbox, control, na_seller
):
    """BX-1: 105 refunds are more than a page; a window over 180 days is read in parts, and an
    end Amazon would refuse (not yet 2 minutes old) is moved back instead of failing."""
    await _order(control, na_seller, "114-0000014-2000003", quantity=105)
    for _ in range(105):
        await _post(
            control,
            "/_sandbox/orders/114-0000014-2000003/refund",
            {"items": [{"sku": "RET-MUG", "quantity": 1}]},
        )
    sandbox.state.clock.advance(timedelta(minutes=10))
    client = make_client()
    now = sandbox.state.clock.now()
    found = await returns.list_refunds(
        client, posted_after=now - timedelta(days=400), posted_before=now
    )
    mine = [r for r in found if r.order_id == "114-0000014-2000003"]
    assert len(mine) == 105 and len({r.refund_key for r in mine}) == 105


@pytest.mark.parametrize(
    ("kind", "description", "expected"),
    [
        ("Adjustment", "WAREHOUSE_LOST", "FBA lost"),
        ("Adjustment", "WAREHOUSE_DAMAGE", "FBA damaged"),
        ("Adjustment", "REVERSAL_REIMBURSEMENT", "FBA customer return"),
        ("Adjustment", "FBA Inventory Reimbursement - Customer Return", "FBA customer return"),
        ("Adjustment", "FBAInventoryReimbursement", "FBA reimbursement"),
        ("SAFETReimbursement", "SAFE-T reimbursement", "SAFE-T"),
        ("Adjustment", "PostageBilling", None),
        ("Refund", "Refund", None),
        ("Shipment", "Shipment", None),
    ],
)
def test_bx1_only_reimbursements_are_read_as_such(kind, description, expected):
    """BX-1: a transaction is a reimbursement of a kind by its type and description; postage,
    refunds and sales are not reimbursements."""
    transaction = Transaction(
        "T-1", kind, "RELEASED", None, None, description, related={}, breakdowns={}
    )
    assert returns.reimbursement_kind(transaction) == expected


def test_bx1_windows_are_cut_at_the_longest_amazon_accepts():
    """BX-1: 130 days in reports of at most 60 days: three, end to end, nothing left out."""
    from datetime import UTC, datetime

    start = datetime(2026, 1, 1, tzinfo=UTC)
    cuts = returns.windows(start, start + timedelta(days=130), timedelta(days=60))
    assert [(b - a).days for a, b in cuts] == [60, 60, 10]
    assert cuts[0][0] == start and cuts[-1][1] == start + timedelta(days=130)
    assert all(cuts[i][1] == cuts[i + 1][0] for i in range(len(cuts) - 1))


async def test_bx1_reimbursements_are_read_with_order_sku_and_kind(
    make_client, sandbox, control, na_seller
):
    """BX-1: FBA lost and damaged and SAFE-T reimbursements, each once, naming order and SKU;
    a refund is no reimbursement."""
    start = sandbox.state.clock.now() - timedelta(minutes=1)
    listed = next(
        lst.sku
        for lst in sandbox.state.listings.values()
        if lst.seller_id == na_seller.seller_id and NA in lst.offers
    )
    await _order(control, na_seller, "114-0000014-2000004", fba=True)
    await _order(control, na_seller, "114-0000014-2000005")
    await _post(control, "/_sandbox/orders/114-0000014-2000005/refund", {})
    for body in (
        {
            "orderId": "114-0000014-2000004",
            "sku": "RET-MUG",
            "quantity": 2,
            "kind": "FBA damaged",
            "amount": "15.00",
        },
        {"sku": listed, "quantity": 1, "kind": "FBA lost", "amount": "7.25"},
        {"orderId": "114-0000014-2000005", "sku": "RET-CUP", "kind": "SAFE-T", "amount": "6.00"},
    ):
        await _post(control, "/_sandbox/reimbursements", body)
    sandbox.state.clock.advance(timedelta(minutes=10))
    client = make_client()
    end = sandbox.state.clock.now()
    found = await returns.list_reimbursements(client, posted_after=start, posted_before=end)
    seen = sorted((r.kind, r.order_id, r.sku, r.quantity, r.amount, r.currency) for r in found)
    assert seen == [
        ("FBA damaged", "114-0000014-2000004", "RET-MUG", 2, Decimal("15.0"), "USD"),
        ("FBA lost", None, listed, 1, Decimal("7.25"), "USD"),
        ("SAFE-T", "114-0000014-2000005", "RET-CUP", 1, Decimal("6.0"), "USD"),
    ]
    again = await returns.list_reimbursements(client, posted_after=start, posted_before=end)
    assert {r.reimbursement_key for r in again} == {r.reimbursement_key for r in found}


async def test_bx1_fba_returns_are_read_with_each_disposition_and_revisions(
    make_client, sandbox, control, na_seller
):
    """BX-1: each disposition is read as Amazon reports it; a revised row has the same key."""
    start = sandbox.state.clock.now() - timedelta(minutes=1)
    dispositions = ["SELLABLE", "DAMAGED", "CUSTOMER_DAMAGED", "DEFECTIVE", "CARRIER_DAMAGED"]
    for n, disposition in enumerate(dispositions):
        order_id = f"114-0000014-30000{n}0"
        await _order(control, na_seller, order_id, fba=True)
        await _post(
            control,
            f"/_sandbox/orders/{order_id}/return",
            {"sku": "RET-MUG", "quantity": 1, "disposition": disposition, "reason": "UNWANTED"},
        )
    client = make_client()
    end = sandbox.state.clock.now() + timedelta(minutes=1)
    found = await returns.read_fba_returns(client, start=start, end=end)
    assert [r.disposition for r in found] == dispositions
    first = found[0]
    assert (first.sku, first.quantity, first.reason, first.asin) == (
        "RET-MUG",
        1,
        "UNWANTED",
        "B0RETMUG01",
    )
    assert first.license_plate_number and first.return_date.tzinfo is not None
    revised_from = sandbox.state.clock.now()
    await _post(
        control,
        "/_sandbox/returns/revise",
        {"orderId": first.order_id, "sku": "RET-MUG", "disposition": "DAMAGED"},
    )
    later = await returns.read_fba_returns(
        client, start=revised_from, end=sandbox.state.clock.now() + timedelta(minutes=1)
    )
    (revised,) = later
    assert revised.disposition == "DAMAGED"
    assert (revised.order_id, revised.sku, revised.license_plate_number, revised.return_date) == (
        first.order_id,
        first.sku,
        first.license_plate_number,
        first.return_date,
    )


async def test_bx1_merchant_returns_over_60_days_are_read_in_several_reports(
    make_client, sandbox, control, na_seller
):
    """BX-1: returns 70 days apart, read in one 140-day window (Amazon allows 60 a report):
    each once, with receipt, refund and SAFE-T claim."""
    start = sandbox.state.clock.now() - timedelta(minutes=1)
    await _order(control, na_seller, "114-0000014-4000001")
    await _post(
        control,
        "/_sandbox/orders/114-0000014-4000001/return",
        {"sku": "RET-MUG", "quantity": 2, "disposition": "SELLABLE", "reason": "TOO_SMALL"},
    )
    await _post(
        control,
        "/_sandbox/orders/114-0000014-4000001/refund",
        {"items": [{"sku": "RET-MUG", "quantity": 2}]},
    )
    sandbox.state.clock.advance(timedelta(days=70))
    await _order(control, na_seller, "114-0000014-4000002")
    await _post(
        control,
        "/_sandbox/orders/114-0000014-4000002/return",
        {"sku": "RET-CUP", "quantity": 1, "disposition": "DAMAGED", "received": True},
    )
    await _post(
        control,
        "/_sandbox/reimbursements",
        {"orderId": "114-0000014-4000002", "sku": "RET-CUP", "kind": "SAFE-T", "amount": "6"},
    )
    client = make_client()
    found = await returns.read_mfn_returns(client, start=start, end=start + timedelta(days=140))
    by_order = {r.order_id: r for r in found}
    assert len(found) == 2
    mug, cup = by_order["114-0000014-4000001"], by_order["114-0000014-4000002"]
    assert (mug.sku, mug.quantity, mug.reason, mug.in_policy) == ("RET-MUG", 2, "TOO_SMALL", True)
    assert (mug.refunded_amount, mug.currency, mug.received_quantity) == (
        Decimal("20.80"),
        "USD",
        None,
    )
    assert mug.rma_id and not mug.safet_claim and not mug.a_to_z_claim
    assert cup.received_quantity == 1 and cup.safet_claim and cup.refunded_amount is None
    assert cup.return_date - mug.return_date >= timedelta(days=70)
