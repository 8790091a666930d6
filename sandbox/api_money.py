"""Sellers v1 participations and Finances (v0 event groups/events, 2024-06-19 transactions)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from skuport.sandbox.http import ApiError, iso, json_response, operation, parse_time, state_of
from skuport.sandbox.ledger import cur
from skuport.sandbox.state import BY_ID, EventGroup, SandboxState, Seller


def render_group(group: EventGroup) -> dict[str, Any]:
    """A v0 `FinancialEventGroup`."""
    body: dict[str, Any] = {
        "FinancialEventGroupId": group.group_id,
        "ProcessingStatus": "Closed" if group.closed else "Open",
        "FundTransferStatus": "Succeeded" if group.closed else "Processing",
        "OriginalTotal": cur(group.beginning_balance + group.total, group.currency),
        "ConvertedTotal": cur(group.beginning_balance + group.total, group.currency),
        "BeginningBalance": cur(group.beginning_balance, group.currency),
        "FinancialEventGroupStart": iso(group.start),
    }
    if group.closed and group.end:
        body["FinancialEventGroupEnd"] = iso(group.end)
        body["FundTransferDate"] = iso(group.end)
        body["TraceId"] = f"TRACE{group.group_id[-6:]}"
        body["AccountTail"] = "042"
    return body


def _page_size(request: Request, default: int) -> int:
    try:
        size = int(request.query_params.get("MaxResultsPerPage", str(default)))
    except ValueError as error:
        raise ApiError(400, "InvalidInput", "MaxResultsPerPage must be an integer") from error
    if not 1 <= size <= 100:
        raise ApiError(400, "InvalidInput", "MaxResultsPerPage must be between 1 and 100")
    return size


def _offset(request: Request, key: str, prefix: str) -> int:
    token = request.query_params.get(key)
    if not token:
        return 0
    if not token.startswith(prefix) or not token[len(prefix) :].isdigit():
        raise ApiError(400, "InvalidInput", f"Invalid {key}")
    return int(token[len(prefix) :])


async def participations(request: Request, seller: Seller) -> Response:
    """getMarketplaceParticipations: the seller's marketplaces."""
    payload = []
    for marketplace_id in seller.marketplace_ids:
        market = BY_ID[marketplace_id]
        payload.append(
            {
                "marketplace": {
                    "id": market.id,
                    "name": market.name,
                    "countryCode": "GB" if market.country == "UK" else market.country,
                    "defaultCurrencyCode": market.currency,
                    "defaultLanguageCode": market.language,
                    "domainName": market.domain,
                },
                "participation": {"isParticipating": True, "hasSuspendedListings": False},
                "storeName": seller.name,
            }
        )
    return json_response({"payload": payload})


def _group_window(request: Request, state: SandboxState) -> tuple[datetime | None, datetime | None]:
    """The FinancialEventGroupStartedAfter/Before window, checked as Amazon does."""
    after = parse_time(
        request.query_params.get("FinancialEventGroupStartedAfter"),
        "FinancialEventGroupStartedAfter",
    )
    before = parse_time(
        request.query_params.get("FinancialEventGroupStartedBefore"),
        "FinancialEventGroupStartedBefore",
    )
    if after and before and before < after:
        raise ApiError(
            400,
            "InvalidInput",
            "FinancialEventGroupStartedBefore must be after FinancialEventGroupStartedAfter",
        )
    if before and before > state.amazon_now() - timedelta(minutes=2):
        raise ApiError(
            400,
            "InvalidInput",
            "FinancialEventGroupStartedBefore must be at least 2 minutes in the past",
        )
    if after and (before or state.amazon_now()) - after > MAX_RANGE:
        raise ApiError(
            400,
            "InvalidInput",
            "The date range between FinancialEventGroupStartedAfter and "
            "FinancialEventGroupStartedBefore must not exceed 180 days",
        )
    return after, before


async def event_groups(request: Request, seller: Seller) -> Response:
    """listFinancialEventGroups: a page of the seller's payouts started in a window."""
    state = state_of(request)
    after, before = _group_window(request, state)
    groups = sorted(
        (
            g
            for g in state.groups.values()
            if g.seller_id == seller.seller_id
            and (after is None or g.start >= after)
            and (before is None or g.start <= before)
        ),
        key=lambda g: (g.start, g.group_id),
    )
    size = _page_size(request, 10)
    offset = _offset(request, "NextToken", "FEG-PAGE-")
    payload: dict[str, Any] = {
        "FinancialEventGroupList": [render_group(g) for g in groups[offset : offset + size]]
    }
    if offset + size < len(groups):
        payload["NextToken"] = f"FEG-PAGE-{offset + size}"
    return json_response({"payload": payload})


async def group_events(request: Request, seller: Seller) -> Response:
    """listFinancialEventsByGroupId: a page of one payout's events."""
    group = state_of(request).groups.get(request.path_params["eventGroupId"])
    if group is None or group.seller_id != seller.seller_id:
        raise ApiError(404, "NotFound", "Financial event group not found")
    flat = [(name, event) for name, events in sorted(group.events.items()) for event in events]
    size = _page_size(request, 100)
    offset = _offset(request, "NextToken", "FE-PAGE-")
    events: dict[str, list[Any]] = {}
    for name, event in flat[offset : offset + size]:
        events.setdefault(name, []).append(event)
    payload: dict[str, Any] = {"FinancialEvents": events}
    if offset + size < len(flat):
        payload["NextToken"] = f"FE-PAGE-{offset + size}"
    return json_response({"payload": payload})


def _transaction_matches(
    request: Request, transaction: dict[str, Any], after: datetime | None, before: datetime | None
) -> bool:
    """Whether a transaction was posted in the window and matches the identifier filters."""
    q = request.query_params
    posted = parse_time(transaction.get("postedDate"), "postedDate")
    if after and (posted is None or posted < after):
        return False
    if before and posted and posted > before:
        return False
    related = {
        r["relatedIdentifierName"]: r["relatedIdentifierValue"]
        for r in transaction.get("relatedIdentifiers", [])
    }
    if q.get("relatedIdentifierName") == "ORDER_ID" and related.get("ORDER_ID") != q.get(
        "relatedIdentifierValue"
    ):
        return False
    marketplace_id = q.get("marketplaceId")
    return not (
        marketplace_id
        and transaction.get("marketplaceDetails", {}).get("marketplaceId") != marketplace_id
    )


async def transactions(request: Request, seller: Seller) -> Response:
    """listTransactions: a page of the seller's 2024 transactions."""
    state = state_of(request)
    q = request.query_params
    name, value = q.get("relatedIdentifierName"), q.get("relatedIdentifierValue")
    after = parse_time(q.get("postedAfter"), "postedAfter")
    before = parse_time(q.get("postedBefore"), "postedBefore")
    if not name and after is None:
        raise ApiError(
            400, "InvalidInput", "postedAfter is required unless relatedIdentifierName is given"
        )
    if before and before > state.amazon_now() - timedelta(minutes=2):
        raise ApiError(400, "InvalidInput", "postedBefore must be at least 2 minutes in the past")
    if after and before and before - after > MAX_RANGE:
        raise ApiError(400, "InvalidInput", "postedBefore must be within 180 days of postedAfter")
    rows = [
        transaction
        for group in sorted(state.groups.values(), key=lambda g: (g.start, g.group_id))
        if group.seller_id == seller.seller_id
        and (name != "FINANCIAL_EVENT_GROUP_ID" or group.group_id == value)
        for transaction in group.transactions
        if _transaction_matches(request, transaction, after, before)
    ]
    offset = _offset(request, "nextToken", "TX-PAGE-")
    payload: dict[str, Any] = {"transactions": rows[offset : offset + 100]}
    if offset + 100 < len(rows):
        payload["nextToken"] = f"TX-PAGE-{offset + 100}"
    return json_response({"payload": payload})


async def order_events(request: Request, seller: Seller) -> Response:
    """listFinancialEventsByOrderId: every event of one order, across payouts."""
    order_id = request.path_params["orderId"]
    events: dict[str, list[Any]] = {}
    for group in sorted(state_of(request).groups.values(), key=lambda g: (g.start, g.group_id)):
        if group.seller_id != seller.seller_id:
            continue
        for name, entries in sorted(group.events.items()):
            for event in entries:
                if event.get("AmazonOrderId") == order_id:
                    events.setdefault(name, []).append(event)
    payload: dict[str, Any] = {"FinancialEvents": events}
    if "listFinancialEventsByOrderId" in state_of(request).settings.looping_pages:
        payload["NextToken"] = "FE-ORDER-LOOP"  # staged: the same token on every page
    return json_response({"payload": payload})


def _posted_window(request: Request, state: SandboxState) -> tuple[datetime, datetime]:
    """The PostedAfter/PostedBefore window of listFinancialEvents, checked as Amazon does."""
    q = request.query_params
    now = state.amazon_now()
    after = parse_time(q.get("PostedAfter"), "PostedAfter")
    before = parse_time(q.get("PostedBefore"), "PostedBefore")
    if after is None:
        raise ApiError(400, "InvalidInput", "PostedAfter is required")
    if before and before > now - timedelta(minutes=2):
        raise ApiError(400, "InvalidInput", "PostedBefore must be at least 2 minutes in the past")
    if before and before < after:
        raise ApiError(400, "InvalidInput", "PostedBefore must be after PostedAfter")
    if (before or now) - after > MAX_RANGE:
        raise ApiError(400, "InvalidInput", "PostedBefore must be within 180 days of PostedAfter")
    return after, before or now - timedelta(minutes=2)


async def posted_events(request: Request, seller: Seller) -> Response:
    """listFinancialEvents: a page of the seller's events posted in a window (every payout)."""
    state = state_of(request)
    after, before = _posted_window(request, state)
    flat = []
    for group in sorted(state.groups.values(), key=lambda g: (g.start, g.group_id)):
        if group.seller_id != seller.seller_id:
            continue
        for name, entries in sorted(group.events.items()):
            for event in entries:
                posted = parse_time(event.get("PostedDate"), "PostedDate")
                if posted is not None and after <= posted <= before:
                    flat.append((name, event))
    size = _page_size(request, 100)
    offset = _offset(request, "NextToken", "FEP-PAGE-")
    events: dict[str, list[Any]] = {}
    for name, event in flat[offset : offset + size]:
        events.setdefault(name, []).append(event)
    payload: dict[str, Any] = {"FinancialEvents": events}
    if offset + size < len(flat):
        payload["NextToken"] = f"FEP-PAGE-{offset + size}"
    return json_response({"payload": payload})


MAX_RANGE = timedelta(days=180)
FINANCES = "/finances/v0"
ROUTES = [
    Route(
        f"{FINANCES}/orders/{{orderId}}/financialEvents",
        operation("listFinancialEventsByOrderId", order_events),
    ),
    Route(
        "/sellers/v1/marketplaceParticipations",
        operation("getMarketplaceParticipations", participations),
    ),
    Route(f"{FINANCES}/financialEvents", operation("listFinancialEvents", posted_events)),
    Route(f"{FINANCES}/financialEventGroups", operation("listFinancialEventGroups", event_groups)),
    Route(
        f"{FINANCES}/financialEventGroups/{{eventGroupId}}/financialEvents",
        operation("listFinancialEventsByGroupId", group_events),
    ),
    Route("/finances/2024-06-19/transactions", operation("listTransactions", transactions)),
]
