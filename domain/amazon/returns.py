"""Refunds, reimbursements and customer returns as Amazon reports them (BX-1).

Readers take our SP-API client like domain/amazon/finances.py does:
- refunds and reimbursements come from the Finances API (v0 events posted in a window);
- FBA returns from the report GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA;
- merchant-fulfilled returns from GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE
  (at most 60 days a report, so longer windows are read in several reports).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from skuport.domain.amazon.client import SpApiClient
from skuport.domain.amazon.errors import MalformedPayloadError
from skuport.domain.amazon.finances import (
    FinancialEvent,
    Transaction,
    list_financial_events,
    list_transactions,
)
from skuport.domain.amazon.paging import Page, iterate_pages
from skuport.domain.amazon.parsing import Reader
from skuport.domain.amazon.returns_reports import (
    ReturnsReportFailed as ReturnsReportFailed,
)
from skuport.domain.amazon.returns_reports import (
    cell_amount,
    cell_count,
    cell_flag,
    cell_time,
    report_rows,
    windows,
)
from skuport.domain.amazon.throttle import Sleep
from skuport.domain.stores.marketplaces import MARKETPLACES

FBA_RETURNS = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
MFN_RETURNS = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"
FINANCES_WINDOW = timedelta(days=180)  # longest PostedAfter..PostedBefore Amazon accepts
MFN_WINDOW = timedelta(days=60)  # longest window of one merchant-fulfilled returns report
POSTED_LAG = timedelta(minutes=3)  # PostedBefore must be at least 2 minutes in the past
MARKETPLACE_BY_NAME = {name.lower(): mid for mid, _, _, name, _, _ in MARKETPLACES}
# What a reimbursement transaction's description or breakdown says -> our kind of it.
REIMBURSEMENT_KINDS = (
    ("SAFET", "SAFE-T"),
    ("LOST", "FBA lost"),
    ("DAMAGE", "FBA damaged"),
    ("REVERSAL_REIMBURSEMENT", "FBA customer return"),
    ("CUSTOMER_RETURN", "FBA customer return"),
    ("REIMBURSEMENT", "FBA reimbursement"),
)


@dataclass(frozen=True)
class RefundCharge:
    """One refunded charge or fee, signed as Amazon reports it (negative for the seller)."""

    kind: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class RefundItem:
    """One refunded order line: its charges and the fees Amazon gave back or kept."""

    sku: str
    order_item_id: str | None
    quantity: int
    charges: tuple[RefundCharge, ...]
    fees: tuple[RefundCharge, ...]


@dataclass(frozen=True)
class AmazonRefund:
    """A refund of an order; `refund_key` is the same each time the refund is read."""

    refund_key: str
    order_id: str
    marketplace_id: str | None
    posted_at: datetime | None
    items: tuple[RefundItem, ...]


@dataclass(frozen=True)
class Reimbursement:
    """Money Amazon paid the seller for a lost or damaged unit or a SAFE-T claim."""

    reimbursement_key: str
    kind: str
    order_id: str | None
    sku: str | None
    quantity: int
    amount: Decimal
    currency: str
    posted_at: datetime | None


@dataclass(frozen=True)
class FbaReturn:
    """A row of the FBA customer returns report; keyed by (order, SKU, LPN or return date)."""

    return_date: datetime
    order_id: str
    sku: str
    asin: str
    fnsku: str
    product_name: str
    quantity: int
    fulfillment_center_id: str
    disposition: str
    reason: str
    status: str
    license_plate_number: str
    customer_comments: str


@dataclass(frozen=True)
class MfnReturn:
    """A row of the merchant-fulfilled returns report (by return date)."""

    order_id: str
    rma_id: str
    return_date: datetime
    sku: str
    quantity: int
    resolution: str
    in_policy: bool | None
    a_to_z_claim: bool
    safet_claim: bool
    refunded_amount: Decimal | None
    currency: str | None
    reason: str
    return_status: str
    received_quantity: int | None
    condition: str | None


def _posted_before(client: SpApiClient, before: datetime) -> datetime:
    """`before`, but no later than Amazon accepts (a few minutes before its own clock)."""
    return min(before, client.amazon_now() - POSTED_LAG)


def _charges(row: Reader, list_key: str, kind_key: str, money_key: str) -> list[RefundCharge]:
    found = []
    for entry in row.array(list_key):
        part = Reader(entry, f"{row.subject}.{list_key}")
        money = part.money(money_key, required=True)
        assert money is not None
        found.append(RefundCharge(part.text(kind_key) or "", money.amount, money.currency))
    return found


def parse_refund(event: FinancialEvent) -> AmazonRefund:
    """A v0 RefundEvent as one refund, keyed by its order and adjustment item ids."""
    row = Reader(event.raw, f"refund of order {event.order_id}")
    order_id = row.text("AmazonOrderId", required=True) or ""
    items = []
    adjustment_ids = []
    for entry in row.array("ShipmentItemAdjustmentList"):
        item = Reader(entry, row.subject)
        charges = _charges(item, "ItemChargeAdjustmentList", "ChargeType", "ChargeAmount")
        charges += _charges(item, "PromotionAdjustmentList", "PromotionType", "PromotionAmount")
        fees = _charges(item, "ItemFeeAdjustmentList", "FeeType", "FeeAmount")
        adjustment_ids.append(item.text("OrderAdjustmentItemId") or "")
        items.append(
            RefundItem(
                sku=item.text("SellerSKU") or "",
                order_item_id=item.text("OrderItemId"),
                quantity=item.integer("QuantityShipped") or 0,
                charges=tuple(charges),
                fees=tuple(fees),
            )
        )
    posted = row.moment("PostedDate")
    if adjustment_ids and all(adjustment_ids):
        key = f"{order_id}/{'+'.join(sorted(adjustment_ids))}"
    else:  # Amazon gave no adjustment ids: the order and the time it posted the refund
        key = f"{order_id}/{posted.isoformat() if posted else ''}"
    market = (row.text("MarketplaceName") or "").lower()
    return AmazonRefund(key, order_id, MARKETPLACE_BY_NAME.get(market), posted, tuple(items))


async def list_refunds(
    client: SpApiClient, *, posted_after: datetime, posted_before: datetime
) -> list[AmazonRefund]:
    """Every refund posted in the window (v0 RefundEventList, windows of 180 days, every
    page); a refund read twice is listed once."""
    found: dict[str, AmazonRefund] = {}
    before = _posted_before(client, posted_before)
    for start, stop in windows(posted_after, before, FINANCES_WINDOW):

        async def fetch(
            token: str | None, start: datetime = start, stop: datetime = stop
        ) -> Page[FinancialEvent]:
            return await list_financial_events(
                client, posted_after=start, posted_before=stop, next_token=token
            )

        async for event in iterate_pages(fetch, what="refund events"):
            if event.list_name == "RefundEventList":
                refund = parse_refund(event)
                found.setdefault(refund.refund_key, refund)
    return list(found.values())


def reimbursement_kind(transaction: Transaction) -> str | None:
    """Our kind of a reimbursement transaction; None when the transaction is no reimbursement."""
    words = " ".join(
        [transaction.transaction_type or "", transaction.description or "", *transaction.breakdowns]
    ).upper()
    words = words.replace("-", "").replace(" ", "_")
    if "SAFET" not in words and "ADJUSTMENT" not in words and "REIMBURSEMENT" not in words:
        return None
    return next((kind for mark, kind in REIMBURSEMENT_KINDS if mark in words), None)


def parse_reimbursement(transaction: Transaction, kind: str) -> Reimbursement:
    """A reimbursement transaction: its order, SKU and quantity come from its item."""
    sku, quantity = None, 0
    for item in Reader(transaction.raw, "reimbursement").array("items"):
        for context in Reader(item, "reimbursement item").array("contexts"):
            product = Reader(context, "reimbursement item context")
            if product.text("sku"):
                sku = product.text("sku")
                quantity += product.integer("quantityShipped") or 0
    total = transaction.total
    if total is None or not transaction.transaction_id:
        raise MalformedPayloadError("reimbursement", "it has no id or no total amount")
    return Reimbursement(
        reimbursement_key=transaction.transaction_id,
        kind=kind,
        order_id=transaction.related.get("ORDER_ID"),
        sku=sku,
        quantity=quantity or 1,
        amount=total.amount,
        currency=total.currency,
        posted_at=transaction.posted,
    )


async def list_reimbursements(
    client: SpApiClient, *, posted_after: datetime, posted_before: datetime
) -> list[Reimbursement]:
    """Every reimbursement (lost, damaged, customer return, SAFE-T) posted in the window, from
    the 2024-06-19 transactions (they name the order and the SKU)."""
    found: dict[str, Reimbursement] = {}
    before = _posted_before(client, posted_before)
    for start, stop in windows(posted_after, before, FINANCES_WINDOW):

        async def fetch(
            token: str | None, start: datetime = start, stop: datetime = stop
        ) -> Page[Transaction]:
            return await list_transactions(
                client, posted_after=start, posted_before=stop, next_token=token
            )

        async for transaction in iterate_pages(fetch, what="reimbursement transactions"):
            kind = reimbursement_kind(transaction)
            if kind is not None:
                row = parse_reimbursement(transaction, kind)
                found.setdefault(row.reimbursement_key, row)
    return list(found.values())


def parse_fba_return(row: dict[str, str]) -> FbaReturn:
    """One row of the FBA customer returns report (columns in lower case)."""
    subject = f"FBA return of order {row.get('order-id', '?')}"
    return FbaReturn(
        return_date=cell_time(row, "return-date", subject),
        order_id=row.get("order-id", ""),
        sku=row.get("sku", ""),
        asin=row.get("asin", ""),
        fnsku=row.get("fnsku", ""),
        product_name=row.get("product-name", ""),
        quantity=cell_count(row, "quantity", subject),
        fulfillment_center_id=row.get("fulfillment-center-id", ""),
        disposition=row.get("detailed-disposition", "").upper(),
        reason=row.get("reason", ""),
        status=row.get("status", ""),
        license_plate_number=row.get("license-plate-number", ""),
        customer_comments=row.get("customer-comments", ""),
    )


async def read_fba_returns(
    client: SpApiClient, *, start: datetime, end: datetime, sleep: Sleep | None = None
) -> list[FbaReturn]:
    """FBA customer returns between start and end (GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA).

    A row Amazon revised later comes again with the same key and its new disposition."""
    rows = await report_rows(client, FBA_RETURNS, start=start, end=end, sleep=sleep)
    return [parse_fba_return(row) for row in rows]


def parse_mfn_return(row: dict[str, str]) -> MfnReturn:
    """One row of the merchant-fulfilled returns report (columns in lower case)."""
    subject = f"return of order {row.get('order id', '?')}"
    quantity = cell_count(row, "return quantity", subject)
    return MfnReturn(
        order_id=row.get("order id", ""),
        rma_id=row.get("amazon rma id", ""),
        return_date=cell_time(row, "return request date", subject),
        sku=row.get("merchant sku", ""),
        quantity=quantity,
        resolution=row.get("resolution", ""),
        in_policy=cell_flag(row.get("in policy", "")),
        a_to_z_claim=bool(cell_flag(row.get("a-to-z claim", ""))),
        safet_claim=bool(row.get("safet claim id")),
        refunded_amount=cell_amount(row, "refunded amount", subject),
        currency=row.get("currency code") or None,
        reason=row.get("return reason", ""),
        return_status=row.get("return request status", ""),
        received_quantity=quantity if row.get("return delivery date") else None,
        condition=row.get("item condition") or None,
    )


async def read_mfn_returns(
    client: SpApiClient, *, start: datetime, end: datetime, sleep: Sleep | None = None
) -> list[MfnReturn]:
    """Merchant-fulfilled returns by return date between start and end
    (GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE, one report per 60 days); each once."""
    found: dict[tuple[str, str, str], MfnReturn] = {}
    for stop_start, stop in windows(start, end, MFN_WINDOW):
        rows = await report_rows(client, MFN_RETURNS, start=stop_start, end=stop, sleep=sleep)
        for row in rows:
            parsed = parse_mfn_return(row)
            found.setdefault((parsed.order_id, parsed.rma_id, parsed.sku), parsed)
    return list(found.values())
