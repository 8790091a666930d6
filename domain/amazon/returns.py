"""Refunds, reimbursements and customer returns as Amazon reports them (BX-1).

Readers take our SP-API client like domain/amazon/finances.py does:
- refunds and reimbursements come from the Finances API (v0 events posted in a window);
- FBA returns from the report GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA;
- merchant-fulfilled returns from GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE
  (at most 60 days a report, so longer windows are read in several reports).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from skuport.domain.amazon.client import SpApiClient


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


async def list_refunds(
    client: SpApiClient, *, posted_after: datetime, posted_before: datetime
) -> list[AmazonRefund]:
    """Every refund posted in the window."""
    raise NotImplementedError


async def list_reimbursements(
    client: SpApiClient, *, posted_after: datetime, posted_before: datetime
) -> list[Reimbursement]:
    """Every reimbursement (lost, damaged, SAFE-T) posted in the window."""
    raise NotImplementedError


async def read_fba_returns(
    client: SpApiClient, *, start: datetime, end: datetime
) -> list[FbaReturn]:
    """FBA customer returns between start and end."""
    raise NotImplementedError


async def read_mfn_returns(
    client: SpApiClient, *, start: datetime, end: datetime
) -> list[MfnReturn]:
    """Merchant-fulfilled returns by return date between start and end."""
    raise NotImplementedError
