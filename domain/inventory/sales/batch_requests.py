"""What `create_sales` is asked for and what it answers, and its plan for each sale."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from skuport.domain.errors import DomainError
from skuport.domain.inventory.reference.service import Address
from skuport.domain.inventory.sales.fulfilment import Shortage
from skuport.domain.inventory.sales.lines import SaleLineInput
from skuport.domain.inventory.sales.models import InvoiceStatus, StageStatus
from skuport.domain.inventory.sales.service import PreparedSale
from skuport.domain.inventory.sales.stages import FulfilmentMode, stage_statuses


@dataclass(frozen=True)
class PaymentRequest:
    """Money received for the sale's invoice; `amount` None pays the invoice in full.

    `up_to` pays what was received but never more than the invoice (see `payment_due`)."""

    account_id: int
    amount: Decimal | None = None
    up_to: Decimal | None = None
    paid_at: datetime | None = None
    reference: str = ""


@dataclass(frozen=True)
class SaleRequest:
    """One sale to create, with how far to take it (arguments as in `create_sale`)."""

    customer_id: int
    location_id: int
    lines: Sequence[SaleLineInput]
    price_tier_id: int | None = None
    currency: str | None = None
    sales_rep: str = ""
    revenue_account_id: int | None = None
    reference: str = ""
    ordered_at: datetime | None = None
    billing_name: str = ""
    shipping_address: Address | None = None
    fulfilment: FulfilmentMode = FulfilmentMode.NONE
    carrier: str = ""
    tracking_number: str = ""
    invoice_status: InvoiceStatus | None = None
    invoice_date: datetime | None = None
    payment: PaymentRequest | None = None


@dataclass
class SaleResult:
    """What became of one request: its sale, or the error that refused it."""

    sale_id: int | None = None
    invoice_id: int | None = None
    payment_id: int | None = None
    picked: bool = False
    shipped: bool = False
    shortages: list[Shortage] = field(default_factory=list)
    error: DomainError | None = None

    @property
    def number(self) -> str:
        return f"SO-{self.sale_id:06d}" if self.sale_id is not None else ""


@dataclass
class SalePlan:
    """A checked request and what the batch decided for it, until it is written."""

    index: int
    request: SaleRequest
    prepared: PreparedSale
    result: SaleResult
    carrier: str = ""
    tracking_number: str = ""
    payment_amount: Decimal | None = None
    payment_reference: str = ""

    @property
    def stages(self) -> dict[str, StageStatus]:
        """The sale's pick, pack and ship status, as `stage_statuses` says."""
        return stage_statuses(self.request.fulfilment, picked=self.result.picked)
