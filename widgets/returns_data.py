"""What the returns runbook asks the server and how it shows it (BX-1): queries and frames.

Pure pieces the returns widget puts together: no server calls here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from skuport.widgets.grids import GridFormat, money, titled

REFUND_FIELDS = """
fragment RefundFields on Refund {
  id amazonOrderId marketplaceId postedAt status amount currency quantity problem creditNoteId
}
"""
RETURN_FIELDS = """
fragment ReturnFields on CustomerReturn {
  id amazonOrderId sku quantity channel disposition reason amazonStatus state returnDate
  receivedQuantity condition restockedQuantity awaitingConfirmation revisedAfterRestock
}
"""
REFUNDS = (
    """
query Refunds($storeId: ID!, $status: RefundStatus, $first: Int, $after: ID) {
  refunds(storeId: $storeId, status: $status, first: $first, after: $after) { ...RefundFields }
}
"""
    + REFUND_FIELDS
)
RETURNS = (
    """
query Returns($storeId: ID!, $state: ReturnState, $first: Int, $after: ID) {
  returns(storeId: $storeId, state: $state, first: $first, after: $after) { ...ReturnFields }
}
"""
    + RETURN_FIELDS
)
AUDIT = (
    """
query ReturnsAudit($storeId: ID!) {
  returnsAudit(storeId: $storeId) {
    days
    returnsWithoutRefund { ...ReturnFields }
    refundsWithoutReturn { ...RefundFields }
    damagedWithoutReimbursement { ...ReturnFields }
    revisedAfterRestock { ...ReturnFields }
  }
}
"""
    + REFUND_FIELDS
    + RETURN_FIELDS
)
CONFIRM = (
    """
mutation ConfirmReturnReceived($returnId: ID!, $quantity: Int!, $condition: ReturnCondition!) {
  confirmReturnReceived(returnId: $returnId, quantity: $quantity, condition: $condition) {
    __typename
    ... on ReturnConfirmed { customerReturn { ...ReturnFields } }
    ... on UserError { message field }
  }
}
"""
    + RETURN_FIELDS
)
RETRY = (
    """
mutation RetryRefund($refundId: ID!) {
  retryRefund(refundId: $refundId) {
    __typename
    ... on RefundRetried { refund { ...RefundFields } }
    ... on UserError { message field }
  }
}
"""
    + REFUND_FIELDS
)

REFUND_COLUMNS = [
    "amazonOrderId", "postedAt", "status", "quantity", "amount", "creditNoteId", "problem",
]  # fmt: skip
RETURN_COLUMNS = [
    "amazonOrderId", "sku", "quantity", "channel", "returnDate", "disposition", "reason",
    "amazonStatus", "state", "receivedQuantity", "condition", "restockedQuantity",
]  # fmt: skip
# Audit lists: (the API's field, the grid's caption, refunds or returns)
AUDIT_LISTS = (
    ("returnsWithoutRefund", "Returns without a refund", "returns"),
    ("refundsWithoutReturn", "Refunds without a return", "refunds"),
    ("damagedWithoutReimbursement", "Damaged units Amazon has not reimbursed", "returns"),
    ("revisedAfterRestock", "Restocked as sellable, then revised by Amazon", "returns"),
)
CONDITIONS = [("sellable", "SELLABLE"), ("unsellable", "UNSELLABLE")]
STATUS_WORDS = {
    "MFN": "you (FBM)",
    "FBA": "Amazon (FBA)",
    "AWAITING_RECEIPT": "waiting for receipt",
    "RESTOCKED": "restocked as sellable",
    "WRITTEN_OFF": "written off",
    "AWAITING_REIMBURSEMENT": "waiting for Amazon's reimbursement",
    "NOT_MATCHED": "no product for the SKU",
    "NO_LOCATION": "no location to restock to",
}
TITLES = {
    "Sku": "SKU",
    "Channel": "Fulfilled by",
    "Credit note": "Credit note",
    "Amazon status": "Amazon's status",
    "State": "What we did",
    "Problem": "What blocks it",
    "Return date": "Returned",
    "Received quantity": "Received",
    "Restocked quantity": "Restocked",
}


def _words(value: Any) -> str:
    text = "" if value is None else str(value)
    return STATUS_WORDS.get(text, text.replace("_", " ").lower())


def refunds_frame(rows: list[dict[str, Any]], fmt: GridFormat | None = None) -> pd.DataFrame:
    """Refunds as a table: the order, when Amazon posted it, how it stands, the amount."""
    fmt = fmt or GridFormat()
    shown = [
        {
            **row,
            "postedAt": fmt.when(row.get("postedAt")),
            "status": _words(row.get("status")),
            "amount": money(row.get("amount"), row.get("currency")),
            "creditNoteId": row.get("creditNoteId") or "",
            "problem": row.get("problem") or "",
        }
        for row in rows
    ]
    return titled(pd.DataFrame(shown, columns=REFUND_COLUMNS)).rename(columns=TITLES)


def returns_frame(rows: list[dict[str, Any]], fmt: GridFormat | None = None) -> pd.DataFrame:
    """Returns as a table: the order and SKU, what came back, in what state, what was restocked."""
    fmt = fmt or GridFormat()
    shown = [
        {
            **row,
            "returnDate": fmt.when(row.get("returnDate")),
            "channel": _words(row.get("channel")),
            "state": _words(row.get("state")),
            "disposition": _words(row.get("disposition")),
            "condition": _words(row.get("condition")),
            "receivedQuantity": "" if row.get("receivedQuantity") is None
            else row["receivedQuantity"],
        }
        for row in rows
    ]  # fmt: skip
    return titled(pd.DataFrame(shown, columns=RETURN_COLUMNS)).rename(columns=TITLES)


def returns_by_reason(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Units returned per reason, most first (an empty reason is "no reason given")."""
    counts: dict[str, int] = {}
    for row in rows:
        reason = (row.get("reason") or "").strip() or "no reason given"
        counts[reason] = counts.get(reason, 0) + int(row.get("quantity") or 0)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def audit_frame(
    kind: str, rows: list[dict[str, Any]], fmt: GridFormat | None = None
) -> pd.DataFrame:
    """One audit list as a table."""
    return refunds_frame(rows, fmt) if kind == "refunds" else returns_frame(rows, fmt)


def audit_summary(audit: dict[str, Any]) -> str:
    """One line per audit list: how many rows it has."""
    parts = [
        f"{len(audit.get(field) or [])} {caption.lower()}" for field, caption, _ in AUDIT_LISTS
    ]
    return "; ".join(parts)
