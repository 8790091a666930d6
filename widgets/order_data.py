"""The order runbooks' GraphQL documents and how their rows become grids (OR, PR, LG, BX-3)."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd

from skuport.widgets.grids import GridFormat, duration, money, titled

STORES = "query OrderStores { stores { id name connectedAt taxMappingGaps settings { timezone } } }"
RUN = """
query OrderRun($id: ID!) {
  run(id: $id) {
    __typename
    ... on OperationRun {
      id operation status processed skipped cancelled expected message startedAt
      errors { item reason }
    }
    ... on UserError { message }
  }
}
"""
LATEST_RUN = "query LatestRun { runs(first: 1) { nodes { startedAt } } }"
_STARTED = """
    __typename
    ... on JobStarted { run { id status } }
    ... on UserError { message field }
"""
LOAD = (
    "mutation LoadOrders($storeId: ID!, $from: DateTime!, $to: DateTime) {"
    f" loadOrders(storeId: $storeId, from: $from, to: $to) {{{_STARTED}}} }}"
)
PROCESS = (
    "mutation ProcessPendingOrders($storeId: ID!) {"
    f" processPendingOrders(storeId: $storeId) {{{_STARTED}}} }}"
)
RELOAD = (
    "mutation ReloadOrder($storeId: ID!, $amazonOrderId: String!) {"
    f" reloadOrder(storeId: $storeId, amazonOrderId: $amazonOrderId) {{{_STARTED}}} }}"
)
PENDING = """
query PendingOrders($storeId: ID!, $first: Int, $after: String) {
  pendingOrders(storeId: $storeId, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id amazonOrderId marketplaceId fulfilment purchasedAt currency buyerName billingName
      companyName total paid
      shippingAddress { city country }
      lines { sellerSku asin title isServiceLine quantity unitPrice lineTotal taxAmount }
      charges { kind amount taxAmount }
    }
  }
}
"""
ATTENTION = """
query AttentionItems($storeId: ID) {
  attentionItems(storeId: $storeId) {
    id amazonOrderId marketplaceId stage reason detail firstSeenAt lastSeenAt attempts
  }
}
"""
RETRY = """
mutation RetryAttentionItem($id: ID!) {
  retryAttentionItem(id: $id) {
    __typename
    ... on AttentionRetried { outcome reason detail stillNeedsAttention }
    ... on UserError { message field }
  }
}
"""
ORDER_LOG = """
query OrderLog($storeId: ID!, $filter: OrderLogFilterInput, $first: Int, $after: String) {
  orderLog(storeId: $storeId, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id marketplaceId amazonOrderId amazonStatus fulfilment state purchasedAt capturedAt
      paymentApplied autoShipped note
      sale {
        id number status pickStatus packStatus shipStatus invoiceStatus total paid paymentStatus
      }
    }
  }
}
"""
DELETE_ENTRY = """
mutation DeleteLogEntry($id: ID!) {
  deleteLogEntry(id: $id) {
    __typename
    ... on LogEntryDeleted { id }
    ... on UserError { message field }
  }
}
"""
NOTIFICATIONS = """
query Notifications($unreadOnly: Boolean!, $storeId: ID, $first: Int) {
  notifications(unreadOnly: $unreadOnly, storeId: $storeId, first: $first) {
    totalCount
    nodes { id storeId kind message createdAt read }
  }
}
"""
MARK_READ = "mutation MarkRead($ids: [ID!]) { markNotificationsRead(ids: $ids) { count } }"
RUNS = """
query OrderRuns($first: Int, $after: String, $operation: String) {
  runs(first: $first, after: $after, operation: $operation) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id operation target trigger triggeredBy status windowStart windowEnd processed skipped
      cancelled message startedAt durationMs errors { item reason }
    }
  }
}
"""
LOG_STATES = [("all", None), ("pending", "PENDING"), ("processed", "PROCESSED"),
              ("cancelled", "CANCELLED"), ("voided", "VOIDED")]  # fmt: skip
FINISHED = ("SUCCEEDED", "FAILED")


def day_start(day: date) -> datetime:
    """Midnight UTC of a day: the runbooks' date pickers mean whole UTC days."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def load_window(start: date, end: date | None) -> dict[str, str | None]:
    """loadOrders' `from`/`to` for whole days, `end` included; no end means "until now"."""
    return {
        "from": day_start(start).isoformat(),
        "to": day_start(end + timedelta(days=1)).isoformat() if end else None,
    }


def reason_code(reason: str) -> str:
    """The code a run error starts with (`unmapped_product: …` → `unmapped_product`)."""
    head, _, _ = reason.partition(":")
    return head.strip() or "unknown"


def _place(address: dict[str, str]) -> tuple[str, str]:
    return address["city"], address["country"]


def _day(stamp: str) -> str:
    return stamp[:10] if stamp else ""


PENDING_COLUMNS = [
    "amazonOrderId", "marketplaceId", "fulfilment", "purchasedAt", "buyer", "shipTo", "lines",
    "serviceLines", "charges", "total", "paid",
]  # fmt: skip
ALREADY_CAPTURED = "already_captured"  # a skip that needs nobody: the order is in the log


def pending_frame(nodes: list[dict[str, Any]], fmt: GridFormat | None = None) -> pd.DataFrame:
    """Pending orders, one row each: who, where to, how many lines, the total."""
    fmt = fmt or GridFormat()
    rows = [
        {
            **node,
            "marketplaceId": fmt.marketplace(node["marketplaceId"]),
            "purchasedAt": fmt.when(node["purchasedAt"]),
            "buyer": node["companyName"] or node["billingName"] or node["buyerName"],
            "shipTo": ", ".join(p for p in _place(node["shippingAddress"]) if p),
            "lines": len(node["lines"]),
            "serviceLines": sum(1 for line in node["lines"] if line["isServiceLine"]),
            "charges": "; ".join(
                f"{c['kind'].lower().replace('_', ' ')} {money(c['amount'], node['currency'])}"
                for c in node["charges"]
            ),
            "total": money(node["total"], node["currency"]),
            "paid": "yes" if node["paid"] else "no",
        }
        for node in nodes
    ]
    return titled(pd.DataFrame(rows, columns=PENDING_COLUMNS))


def pending_html(node: dict[str, Any]) -> str:
    """One pending order's lines and charges (OR-4), for the analyst to read."""
    address = node["shippingAddress"]
    lines = "".join(
        f"<li>{html.escape(line['sellerSku'] or line['asin'] or '(no SKU)')} — "
        f"{html.escape(line['title'])}: {line['quantity']} at {line['unitPrice']} = "
        f"{line['lineTotal']} (tax {line['taxAmount']})"
        f"{' — service line' if line['isServiceLine'] else ''}</li>"
        for line in node["lines"]
    )
    charges = "".join(
        f"<li>{c['kind'].lower().replace('_', ' ')}: {c['amount']} (tax {c['taxAmount']})</li>"
        for c in node["charges"]
    )
    return (
        f"<b>{html.escape(node['amazonOrderId'])}</b> for "
        f"{html.escape(node['companyName'] or node['billingName'] or node['buyerName'])}, "
        f"to {html.escape(', '.join(p for p in _place(address) if p))}: "
        f"{node['total']} {node['currency']}{'' if node['paid'] else ' (not paid yet)'}"
        f"<ul>{lines}</ul>" + (f"Charges:<ul>{charges}</ul>" if charges else "")
    )


ATTENTION_COLUMNS = [
    "amazonOrderId", "marketplaceId", "stage", "reason", "detail", "attempts", "lastSeenAt",
]  # fmt: skip


def attention_frame(items: list[dict[str, Any]], fmt: GridFormat | None = None) -> pd.DataFrame:
    """The needs-attention queue (BX-3): one row per order, its reason in words."""
    fmt = fmt or GridFormat()
    rows = [
        {
            **item,
            "marketplaceId": fmt.marketplace(item["marketplaceId"]),
            "lastSeenAt": fmt.when(item["lastSeenAt"]),
        }
        for item in items
    ]
    return titled(pd.DataFrame(rows, columns=ATTENTION_COLUMNS))


LOG_COLUMNS = [
    "amazonOrderId", "marketplaceId", "amazonStatus", "fulfilment", "state", "purchasedAt",
    "capturedAt", "sale", "saleStatus", "invoice", "picked", "packed", "shipped", "payment",
    "note",
]  # fmt: skip


def sale_state(row: dict[str, Any]) -> dict[str, str]:
    """LG-1: the sale task's state in the analyst's words (empty when there is no sale)."""
    sale = row.get("sale")
    if not sale:
        return {"sale": "", "saleStatus": "", "invoice": "", "picked": "", "packed": "",
                "shipped": "", "payment": "applied" if row["paymentApplied"] else ""}  # fmt: skip
    paid = sale["paid"] or "0"
    payment = sale["paymentStatus"] or ""
    if row["paymentApplied"]:
        payment = f"applied ({paid} of {sale['total']})"
    return {
        "sale": sale["number"],
        "saleStatus": sale["status"],
        "invoice": sale["invoiceStatus"] or "none",
        "picked": sale["pickStatus"],
        "packed": sale["packStatus"],
        "shipped": sale["shipStatus"],
        "payment": payment or "not applied",
    }


def log_frame(rows: list[dict[str, Any]], fmt: GridFormat | None = None) -> pd.DataFrame:
    """The order log with each sale's state (LG-1)."""
    fmt = fmt or GridFormat()
    shown = [
        {
            **row,
            **sale_state(row),
            "marketplaceId": fmt.marketplace(row["marketplaceId"]),
            "purchasedAt": fmt.when(row["purchasedAt"]),
            "capturedAt": fmt.when(row["capturedAt"]),
        }
        for row in rows
    ]
    return titled(pd.DataFrame(shown, columns=LOG_COLUMNS))


NOTIFICATION_COLUMNS = ["createdAt", "kind", "message", "read"]


def notifications_frame(nodes: list[dict[str, Any]], fmt: GridFormat | None = None) -> pd.DataFrame:
    """Notifications, newest first, their time to the minute."""
    fmt = fmt or GridFormat()
    rows = [
        {**node, "createdAt": fmt.when(node["createdAt"]), "read": "yes" if node["read"] else ""}
        for node in nodes
    ]
    return titled(pd.DataFrame(rows, columns=NOTIFICATION_COLUMNS))


RUN_COLUMNS = [
    "id", "operation", "target", "status", "trigger", "triggeredBy", "startedAt", "windowStart",
    "windowEnd", "durationMs", "processed", "alreadyCaptured", "skipped", "cancelled", "errors",
    "message",
]  # fmt: skip


def attention_errors(errors: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """A run's errors that need the analyst, and how many orders were simply already captured."""
    needing = [e for e in errors if reason_code(e["reason"]) != ALREADY_CAPTURED]
    return needing, len(errors) - len(needing)


def runs_frame(
    runs: list[dict[str, Any]],
    fmt: GridFormat | None = None,
    stores: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Operation runs (LG-4): times to the minute, duration in words, errors as a count of what
    needs attention (orders already captured are counted apart)."""
    fmt, stores = fmt or GridFormat(), stores or {}
    rows = []
    for run in runs:
        needing, already = attention_errors(run["errors"])
        rows.append(
            {
                **run,
                "target": stores.get(run["target"] or "", run["target"]),
                "startedAt": fmt.when(run["startedAt"]),
                "windowStart": fmt.when(run["windowStart"]),
                "windowEnd": fmt.when(run["windowEnd"]),
                "durationMs": duration(run["durationMs"]),
                "skipped": max(run["skipped"] - already, 0),
                "alreadyCaptured": already,
                "errors": len(needing),
            }
        )
    frame = titled(pd.DataFrame(rows, columns=RUN_COLUMNS))
    return frame.rename(columns={"Id": "Run", "Target": "Store", "Errors": "Need attention"})


def per_day(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Orders captured / skipped / cancelled per day the runs started, oldest day first."""
    days: dict[str, dict[str, Any]] = {}
    for run in runs:
        key = _day(run["startedAt"])
        day = days.setdefault(key, {"day": key, "captured": 0, "skipped": 0, "cancelled": 0})
        day["captured"] += run["processed"]
        day["skipped"] += run["skipped"]
        day["cancelled"] += run["cancelled"]
    return [days[key] for key in sorted(days)]


def skip_reasons(runs: list[dict[str, Any]]) -> dict[str, int]:
    """How often each reason appears in the runs' errors, most frequent first."""
    counts: dict[str, int] = {}
    for run in runs:
        for error in run["errors"]:
            code = reason_code(error["reason"])
            counts[code] = counts.get(code, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
