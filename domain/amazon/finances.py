"""Finances: v0 payouts (event groups and their events) and 2024-06-19 transactions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from skuport.domain.amazon.client import SpApiClient
from skuport.domain.amazon.paging import Page, PageTokens, iterate_pages
from skuport.domain.amazon.parsing import AmountWithCurrency, Reader, iso


@dataclass(frozen=True)
class EventGroup:
    """A payout (settlement period): open while accumulating, closed once transferred."""

    group_id: str
    processing_status: str | None
    fund_transfer_status: str | None
    original_total: AmountWithCurrency | None
    beginning_balance: AmountWithCurrency | None
    fund_transfer_date: datetime | None
    start: datetime | None
    end: datetime | None
    trace_id: str | None


@dataclass(frozen=True)
class Amount:
    """One charge, fee or promotion line of an event."""

    kind: str
    money: AmountWithCurrency


@dataclass
class FinancialEvent:
    """A shipment, refund, service-fee or adjustment event, flattened to what we reconcile."""

    list_name: str
    order_id: str | None
    posted: datetime | None
    amounts: list[Amount] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    def total(self) -> AmountWithCurrency | None:
        """Sum of every amount of the event (None when it has none)."""
        if not self.amounts:
            return None
        currency = self.amounts[0].money.currency
        return AmountWithCurrency(sum((a.money.amount for a in self.amounts), Decimal(0)), currency)


def _group(data: object) -> EventGroup:
    row = Reader(data, "financial event group")
    return EventGroup(
        group_id=row.text("FinancialEventGroupId", required=True) or "",
        processing_status=row.text("ProcessingStatus"),
        fund_transfer_status=row.text("FundTransferStatus"),
        original_total=row.money("OriginalTotal"),
        beginning_balance=row.money("BeginningBalance"),
        fund_transfer_date=row.moment("FundTransferDate"),
        start=row.moment("FinancialEventGroupStart"),
        end=row.moment("FinancialEventGroupEnd"),
        trace_id=row.text("TraceId"),
    )


async def list_financial_event_groups(
    client: SpApiClient,
    *,
    started_after: datetime | None = None,
    started_before: datetime | None = None,
    max_results_per_page: int = 100,
    next_token: str | None = None,
) -> Page[EventGroup]:
    """GET /finances/v0/financialEventGroups (one page; resend the filters with the token)."""
    params = {
        "FinancialEventGroupStartedAfter": iso(started_after) if started_after else None,
        "FinancialEventGroupStartedBefore": iso(started_before) if started_before else None,
        "MaxResultsPerPage": max_results_per_page,
        "NextToken": next_token,
    }
    response = await client.call(
        "listFinancialEventGroups", "GET", "/finances/v0/financialEventGroups", params=params
    )
    payload = Reader(response.body, "listFinancialEventGroups").obj("payload", required=True)
    assert payload is not None
    groups = [_group(g) for g in payload.array("FinancialEventGroupList")]
    return Page(groups, payload.text("NextToken"))


async def iter_financial_event_groups(
    client: SpApiClient, **filters: Any
) -> AsyncIterator[EventGroup]:
    """Every payout matching `filters`, across all pages."""

    async def fetch(token: str | None) -> Page[EventGroup]:
        return await list_financial_event_groups(client, next_token=token, **filters)

    async for group in iterate_pages(fetch):
        yield group


def _amounts(row: Reader, keys: tuple[str, ...]) -> list[Amount]:
    found = []
    for list_key in keys:
        for entry in row.array(list_key):
            part = Reader(entry, f"{row.subject}.{list_key}")
            for kind_key, money_key in (
                ("ChargeType", "ChargeAmount"),
                ("FeeType", "FeeAmount"),
                ("PromotionType", "PromotionAmount"),
            ):
                if kind_key in part.data:
                    money = part.money(money_key, required=True)
                    found.append(Amount(part.text(kind_key) or "", money))  # type: ignore[arg-type]
    return found


_CHARGE_LISTS = (
    "OrderChargeList",
    "OrderChargeAdjustmentList",
    "OrderFeeList",
    "OrderFeeAdjustmentList",
    "ShipmentFeeList",
    "ShipmentFeeAdjustmentList",
)
_ITEM_LISTS = (
    "ItemChargeList",
    "ItemChargeAdjustmentList",
    "ItemFeeList",
    "ItemFeeAdjustmentList",
    "PromotionList",
    "PromotionAdjustmentList",
)


def parse_financial_events(data: object) -> list[FinancialEvent]:
    """Flatten a v0 `FinancialEvents` object; unknown lists are kept raw with no amounts."""
    row = Reader(data, "financial events")
    events = []
    for list_name, entries in row.data.items():
        if not isinstance(entries, list):
            continue
        for entry in entries:
            event_row = Reader(entry, f"{list_name} event")
            event = FinancialEvent(
                list_name=list_name,
                order_id=event_row.text("AmazonOrderId"),
                posted=event_row.moment("PostedDate"),
                raw=entry,
            )
            event_row.subject = f"{list_name} of order {event.order_id}"
            event.amounts += _amounts(event_row, (*_CHARGE_LISTS, "FeeList"))
            for items_key in ("ShipmentItemList", "ShipmentItemAdjustmentList"):
                for item in event_row.array(items_key):
                    event.amounts += _amounts(Reader(item, event_row.subject), _ITEM_LISTS)
            if (adjustment := event_row.money("AdjustmentAmount")) is not None:
                event.amounts.append(Amount(event_row.text("AdjustmentType") or "", adjustment))
            events.append(event)
    return events


async def list_financial_events_by_group_id(
    client: SpApiClient,
    group_id: str,
    *,
    max_results_per_page: int = 100,
    next_token: str | None = None,
) -> Page[FinancialEvent]:
    """GET /finances/v0/financialEventGroups/{eventGroupId}/financialEvents (one page)."""
    response = await client.call(
        "listFinancialEventsByGroupId",
        "GET",
        f"/finances/v0/financialEventGroups/{group_id}/financialEvents",
        params={"MaxResultsPerPage": max_results_per_page, "NextToken": next_token},
    )
    payload = Reader(response.body, "listFinancialEventsByGroupId").obj("payload", required=True)
    assert payload is not None
    events_data = payload.data.get("FinancialEvents") or {}
    return Page(parse_financial_events(events_data), payload.text("NextToken"))


async def iter_financial_events(
    client: SpApiClient, group_id: str
) -> AsyncIterator[FinancialEvent]:
    """Every event of one payout, across all pages."""

    async def fetch(token: str | None) -> Page[FinancialEvent]:
        return await list_financial_events_by_group_id(client, group_id, next_token=token)

    async for event in iterate_pages(fetch):
        yield event


async def list_financial_events_by_order_id(
    client: SpApiClient, order_id: str
) -> list[FinancialEvent]:
    """GET /finances/v0/orders/{orderId}/financialEvents (every page, each token once)."""
    events: list[FinancialEvent] = []
    token: str | None = None
    tokens = PageTokens(f"financial events of order {order_id}")
    while True:
        response = await client.call(
            "listFinancialEventsByOrderId",
            "GET",
            f"/finances/v0/orders/{order_id}/financialEvents",
            params={"NextToken": token},
        )
        payload = Reader(response.body, f"financial events of order {order_id}").obj(
            "payload", required=True
        )
        assert payload is not None
        events += parse_financial_events(payload.data.get("FinancialEvents") or {})
        token = payload.text("NextToken")
        if not tokens.follow(token):
            return events


@dataclass(frozen=True)
class Transaction:
    """A Finances 2024-06-19 transaction."""

    transaction_id: str | None
    transaction_type: str | None
    status: str | None
    posted: datetime | None
    total: AmountWithCurrency | None
    description: str | None
    related: dict[str, str]
    breakdowns: dict[str, AmountWithCurrency]
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def parse_transaction(data: object) -> Transaction:
    """Parse one 2024-06-19 `Transaction` (top-level breakdowns by type)."""
    row = Reader(data, "transaction")
    related = {}
    for entry in row.array("relatedIdentifiers"):
        ident = Reader(entry, row.subject)
        related[ident.text("relatedIdentifierName") or ""] = (
            ident.text("relatedIdentifierValue") or ""
        )
    breakdowns = {}
    for entry in row.array("breakdowns"):
        part = Reader(entry, row.subject + ".breakdowns")
        if (money := part.money("breakdownAmount")) is not None:
            breakdowns[part.text("breakdownType") or ""] = money
    return Transaction(
        transaction_id=row.text("transactionId"),
        transaction_type=row.text("transactionType"),
        status=row.text("transactionStatus"),
        posted=row.moment("postedDate"),
        total=row.money("totalAmount"),
        description=row.text("description"),
        related=related,
        breakdowns=breakdowns,
        raw=row.data,
    )


async def list_transactions(
    client: SpApiClient,
    *,
    posted_after: datetime | None = None,
    posted_before: datetime | None = None,
    group_id: str | None = None,
    order_id: str | None = None,
    marketplace_id: str | None = None,
    next_token: str | None = None,
) -> Page[Transaction]:
    """GET /finances/2024-06-19/transactions, by date, payout (event group) id or order id."""
    params = {
        "postedAfter": iso(posted_after) if posted_after else None,
        "postedBefore": iso(posted_before) if posted_before else None,
        "relatedIdentifierName": (
            "FINANCIAL_EVENT_GROUP_ID" if group_id else "ORDER_ID" if order_id else None
        ),
        "relatedIdentifierValue": group_id or order_id,
        "marketplaceId": marketplace_id,
        "nextToken": next_token,
    }
    response = await client.call(
        "listTransactions", "GET", "/finances/2024-06-19/transactions", params=params
    )
    payload = Reader(response.body, "listTransactions").obj("payload", required=True)
    assert payload is not None
    return Page(
        [parse_transaction(t) for t in payload.array("transactions")], payload.text("nextToken")
    )


async def list_financial_events(
    client: SpApiClient,
    *,
    posted_after: datetime,
    posted_before: datetime | None = None,
    max_results_per_page: int = 100,
    next_token: str | None = None,
) -> Page[FinancialEvent]:
    """GET /finances/v0/financialEvents: events posted in a window of at most 180 days
    (one page; resend the window with the token)."""
    params = {
        "PostedAfter": iso(posted_after),
        "PostedBefore": iso(posted_before) if posted_before else None,
        "MaxResultsPerPage": max_results_per_page,
        "NextToken": next_token,
    }
    response = await client.call(
        "listFinancialEvents", "GET", "/finances/v0/financialEvents", params=params
    )
    payload = Reader(response.body, "listFinancialEvents").obj("payload", required=True)
    assert payload is not None
    events_data = payload.data.get("FinancialEvents") or {}
    return Page(parse_financial_events(events_data), payload.text("NextToken"))
