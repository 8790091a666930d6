"""The FBA and the merchant-fulfilled customer returns reports, from staged returns.

FBA rows are chosen by return date, or by the date Amazon revised their disposition (a revised
row comes back with its original return date and the new disposition). Merchant-fulfilled rows
are chosen by return request date; their refunded amount and SAFE-T flag come from the payouts.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from skuport.sandbox.http import iso
from skuport.sandbox.report_content import _tsv as tsv
from skuport.sandbox.returns_state import CustomerReturn
from skuport.sandbox.state import BY_ID, SandboxState, amount_text

FBA_RETURNS = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
MFN_RETURNS = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"
FBA_COLUMNS = (
    "return-date order-id sku asin fnsku product-name quantity fulfillment-center-id "
    "detailed-disposition reason status license-plate-number customer-comments"
).split()
MFN_COLUMNS = [
    "Order ID",
    "Order date",
    "Return request date",
    "Return request status",
    "Amazon RMA ID",
    "Merchant RMA ID",
    "Label type",
    "Label cost",
    "Currency code",
    "Return carrier",
    "Tracking ID",
    "Label to be paid by",
    "A-to-Z Claim",
    "Is prime",
    "ASIN",
    "Merchant SKU",
    "Item Name",
    "Return quantity",
    "Return Reason",
    "In policy",
    "Return type",
    "Resolution",
    "Invoice number",
    "Return delivery date",
    "Order Amount",
    "Order quantity",
    "SafeT action reason",
    "SafeT claim id",
    "SafeT claim state",
    "SafeT claim creation time",
    "SafeT claim reimbursement amount",
    "Refunded Amount",
    "Category",
]
CENTERS = {"NA": "PHL6", "EU": "LTN1", "FE": "NRT5"}


def _seen(row: CustomerReturn, start: datetime, end: datetime) -> bool:
    return start <= row.returned <= end or (row.revised is not None and start <= row.revised <= end)


def fba_returns_report(
    state: SandboxState, seller_id: str, marketplace_ids: list[str], start: datetime, end: datetime
) -> tuple[bytes, int]:
    """GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA: one row per returned FBA order line."""
    region = state.sellers[seller_id].region
    rows: list[dict[str, object]] = [
        {
            "return-date": iso(r.returned),
            "order-id": r.order_id,
            "sku": r.sku,
            "asin": r.asin,
            "fnsku": f"X00{r.asin[-7:]}",
            "product-name": r.title,
            "quantity": r.quantity,
            "fulfillment-center-id": CENTERS.get(region, "PHL6"),
            "detailed-disposition": r.disposition,
            "reason": r.reason,
            "status": "Unit returned to inventory",
            "license-plate-number": r.license_plate,
            "customer-comments": "",
        }
        for r in state.returns
        if r.seller_id == seller_id
        and r.fulfilled_by == "AMAZON"
        and r.marketplace_id in marketplace_ids
        and _seen(r, start, end)
    ]
    return tsv(FBA_COLUMNS, rows), len(rows)


def _refunded(state: SandboxState, order_id: str, sku: str) -> Decimal:
    """What the buyer got back for a SKU of an order, positive (0 when not refunded)."""
    total = Decimal(0)
    for group in state.groups.values():
        for event in group.events.get("RefundEventList", []):
            if event.get("AmazonOrderId") != order_id:
                continue
            for item in event.get("ShipmentItemAdjustmentList", []):
                if item.get("SellerSKU") == sku:
                    for charge in item.get("ItemChargeAdjustmentList", []):
                        total -= Decimal(str(charge["ChargeAmount"]["CurrencyAmount"]))
    return total


def _safet(state: SandboxState, order_id: str) -> dict[str, object] | None:
    for group in state.groups.values():
        for transaction in group.transactions:
            related = {
                r["relatedIdentifierName"]: r["relatedIdentifierValue"]
                for r in transaction.get("relatedIdentifiers", [])
            }
            if (
                transaction.get("transactionType") == "SAFETReimbursement"
                and related.get("ORDER_ID") == order_id
            ):
                return transaction
    return None


def _mfn_row(state: SandboxState, r: CustomerReturn) -> dict[str, object]:
    currency = BY_ID[r.marketplace_id].currency
    refunded = _refunded(state, r.order_id, r.sku)
    safet = _safet(state, r.order_id)
    return {
        "Order ID": r.order_id,
        "Order date": iso(r.order_created),
        "Return request date": iso(r.returned),
        "Return request status": "Closed" if r.received else "Approved",
        "Amazon RMA ID": r.rma_id,
        "Label type": "AmazonPrePaidLabel",
        "Currency code": currency,
        "Label to be paid by": "Seller",
        "A-to-Z Claim": "N",
        "Is prime": "N",
        "ASIN": r.asin,
        "Merchant SKU": r.sku,
        "Item Name": r.title,
        "Return quantity": r.quantity,
        "Return Reason": r.reason,
        "In policy": "Y",
        "Return type": "C-Returns",
        "Resolution": "StandardRefund",
        "Return delivery date": iso(r.returned) if r.received else "",
        "SafeT claim id": safet["transactionId"] if safet else "",
        "SafeT claim state": "Approved" if safet else "",
        "SafeT claim reimbursement amount": (
            amount_text(Decimal(str(safet["totalAmount"]["currencyAmount"])), currency)
            if safet
            else ""
        ),
        "Refunded Amount": amount_text(refunded, currency) if refunded else "",
    }


def mfn_returns_report(
    state: SandboxState, seller_id: str, marketplace_ids: list[str], start: datetime, end: datetime
) -> tuple[bytes, int]:
    """GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE: one row per merchant-fulfilled return."""
    rows = [
        _mfn_row(state, r)
        for r in state.returns
        if r.seller_id == seller_id
        and r.fulfilled_by != "AMAZON"
        and r.marketplace_id in marketplace_ids
        and start <= r.returned <= end
    ]
    return tsv(MFN_COLUMNS, rows), len(rows)
