"""Refunds and returns from Amazon (BX-1) over GraphQL: what was seen, the audit, two actions.

Anyone may look; operations confirms that a merchant-fulfilled return arrived (it restocks);
finance retries a refund that needed attention (it credits).
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from skuport.domain.errors import DomainError
from skuport.domain.returns import (
    CustomerReturn as DomainReturn,
)
from skuport.domain.returns import (
    RefundStatus as DomainRefundStatus,
)
from skuport.domain.returns import (
    ReturnChannel as DomainReturnChannel,
)
from skuport.domain.returns import (
    ReturnedRefund,
    confirm_return_received,
    list_refunds,
    list_returns,
    retry_refund,
    returns_audit,
)
from skuport.domain.returns import (
    ReturnState as DomainReturnState,
)
from skuport.domain.stores.models import Store
from skuport.schema.context import Info
from skuport.schema.errors import InvalidInput, InvalidState, NotFound
from skuport.schema.ids import to_int
from skuport.schema.inventory.common import money, reading, refused, to_id, unit_of_work
from skuport.schema.inventory.common import to_int as optional_int
from skuport.schema.permissions import FINANCIERS, OPERATORS, READERS, allow

MAX_ROWS = 500

RefundStatus = strawberry.enum(DomainRefundStatus, name="RefundStatus")
ReturnChannel = strawberry.enum(DomainReturnChannel, name="ReturnChannel")
ReturnState = strawberry.enum(DomainReturnState, name="ReturnState")


@strawberry.enum(description="The state of a returned unit as you found it.")
class ReturnCondition(enum.Enum):
    SELLABLE = "SELLABLE"
    UNSELLABLE = "UNSELLABLE"


@strawberry.type(description="An Amazon refund of one order, and what it became here.")
class Refund:
    id: strawberry.ID
    amazon_order_id: str
    marketplace_id: str
    posted_at: datetime | None = strawberry.field(description="When Amazon posted the refund.")
    status: RefundStatus  # type: ignore[valid-type]
    amount: Decimal = strawberry.field(description="What Amazon gave back to the buyer.")
    currency: str
    quantity: int = strawberry.field(description="Units refunded.")
    problem: str = strawberry.field(
        description="Why the refund needs attention and what to fix; empty once credited."
    )
    credit_note_id: strawberry.ID | None = strawberry.field(
        description="The credit note made on the order's invoice."
    )
    payment_id: strawberry.ID | None = strawberry.field(
        description="The refund payment from the store's payment account."
    )

    @classmethod
    def from_model(cls, row: ReturnedRefund) -> Refund:
        return cls(
            id=strawberry.ID(str(row.id)),
            amazon_order_id=row.amazon_order_id,
            marketplace_id=row.marketplace_id,
            posted_at=row.posted_at,
            status=row.status,
            amount=money(row.amount),
            currency=row.currency,
            quantity=row.quantity,
            problem=row.problem,
            credit_note_id=to_id(row.credit_note_id),
            payment_id=to_id(row.payment_id),
        )


@strawberry.type(description="One returned SKU of one order, and what happened to the units.")
class CustomerReturn:
    id: strawberry.ID
    amazon_order_id: str
    sku: str
    product_id: strawberry.ID | None
    quantity: int
    channel: ReturnChannel = strawberry.field(  # type: ignore[valid-type]
        description="Who handled the return: Amazon (FBA) or the seller (MFN)."
    )
    return_date: datetime
    disposition: str = strawberry.field(
        description="Amazon's verdict on the unit: SELLABLE, DAMAGED, CUSTOMER_DAMAGED, "
        "DEFECTIVE, CARRIER_DAMAGED …"
    )
    reason: str = strawberry.field(description="Why the buyer returned it.")
    amazon_status: str
    state: ReturnState  # type: ignore[valid-type]
    received_quantity: int | None
    condition: str
    restocked_quantity: int = strawberry.field(description="Units put back into stock.")
    location_id: strawberry.ID | None = strawberry.field(
        description="Where the units went back into stock."
    )
    revised_after_restock: bool = strawberry.field(
        description="Restocked as sellable, then Amazon changed its disposition."
    )
    awaiting_confirmation: bool = strawberry.field(
        description="A merchant-fulfilled return waiting for you to confirm it arrived."
    )

    @classmethod
    def from_model(cls, row: DomainReturn) -> CustomerReturn:
        return cls(
            id=strawberry.ID(str(row.id)),
            amazon_order_id=row.amazon_order_id,
            sku=row.sku,
            product_id=to_id(row.product_id),
            quantity=row.quantity,
            channel=row.channel,
            return_date=row.return_date,
            disposition=row.disposition,
            reason=row.reason,
            amazon_status=row.amazon_status,
            state=row.state,
            received_quantity=row.received_quantity,
            condition=row.condition,
            restocked_quantity=row.restocked_quantity,
            location_id=to_id(row.location_id),
            revised_after_restock=row.revised_after_restock,
            awaiting_confirmation=row.channel is DomainReturnChannel.MFN
            and row.state is DomainReturnState.AWAITING_RECEIPT,
        )


@strawberry.type(description="What does not add up between a store's refunds and returns.")
class ReturnsAudit:
    returns_without_refund: list[CustomerReturn] = strawberry.field(
        description="Returns whose order Amazon has not refunded."
    )
    refunds_without_return: list[Refund] = strawberry.field(
        description="Refunds older than `days` days with nothing returned."
    )
    damaged_without_reimbursement: list[CustomerReturn] = strawberry.field(
        description="Units Amazon kept as damaged and has not reimbursed."
    )
    revised_after_restock: list[CustomerReturn] = strawberry.field(
        description="Units restocked as sellable that Amazon later revised."
    )
    days: int = strawberry.field(
        description="After how many days a refund without a return is listed."
    )


@strawberry.type(description="The return's units are restocked by their condition.")
class ReturnConfirmed:
    customer_return: CustomerReturn


@strawberry.type(description="The refund was applied again; its status says how it went.")
class RefundRetried:
    refund: Refund


ConfirmReturnResult = Annotated[
    ReturnConfirmed | NotFound | InvalidInput | InvalidState,
    strawberry.union("ConfirmReturnReceivedResult"),
]
RetryRefundResult = Annotated[
    RefundRetried | NotFound | InvalidInput | InvalidState,
    strawberry.union("RetryRefundResult"),
]


def _page(first: int) -> int:
    return max(1, min(first, MAX_ROWS))


@strawberry.type
class ReturnsQuery:
    @strawberry.field(
        permission_classes=allow(*READERS),
        description="The store's Amazon refunds, oldest first; pass the last id seen as "
        "`after` for the next page.",
    )
    async def refunds(
        self,
        info: Info,
        store_id: strawberry.ID,
        status: RefundStatus | None = None,  # type: ignore[valid-type]
        first: int = 100,
        after: strawberry.ID | None = None,
    ) -> list[Refund]:
        async with reading(info) as session:
            rows = await list_refunds(
                session,
                store_id=to_int(store_id),
                status=DomainRefundStatus(status.value) if status is not None else None,
                limit=_page(first),
                after=optional_int(after),
            )
        return [Refund.from_model(row) for row in rows]

    @strawberry.field(
        permission_classes=allow(*READERS),
        description="The store's customer returns, oldest first; pass the last id seen as "
        "`after` for the next page.",
    )
    async def returns(
        self,
        info: Info,
        store_id: strawberry.ID,
        state: ReturnState | None = None,  # type: ignore[valid-type]
        channel: ReturnChannel | None = None,  # type: ignore[valid-type]
        amazon_order_id: str | None = None,
        first: int = 100,
        after: strawberry.ID | None = None,
    ) -> list[CustomerReturn]:
        async with reading(info) as session:
            rows = await list_returns(
                session,
                store_id=to_int(store_id),
                state=DomainReturnState(state.value) if state is not None else None,
                channel=DomainReturnChannel(channel.value) if channel is not None else None,
                amazon_order_id=amazon_order_id,
                limit=_page(first),
                after=optional_int(after),
            )
        return [CustomerReturn.from_model(row) for row in rows]

    @strawberry.field(
        permission_classes=allow(*READERS),
        description="The store's returns audit: returns without a refund, refunds without a "
        "return, damaged units not reimbursed, sellable restocks Amazon later revised.",
    )
    async def returns_audit(self, info: Info, store_id: strawberry.ID) -> ReturnsAudit | None:
        async with reading(info) as session:
            store = await session.get(Store, to_int(store_id))
            if store is None:
                return None
            audit = await returns_audit(
                session, store_id=store.id, now=info.context.services.units.now()
            )
        return ReturnsAudit(
            returns_without_refund=[
                CustomerReturn.from_model(r) for r in audit.returns_without_refund
            ],
            refunds_without_return=[Refund.from_model(r) for r in audit.refunds_without_return],
            damaged_without_reimbursement=[
                CustomerReturn.from_model(r) for r in audit.damaged_without_reimbursement
            ],
            revised_after_restock=[
                CustomerReturn.from_model(r) for r in audit.revised_after_restock
            ],
            days=audit.days,
        )


@strawberry.type
class ReturnsMutation:
    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description="A merchant-fulfilled return arrived: restock the units received by their "
        "condition (sellable to the returns location, unsellable to the unsellable location "
        "or written off).",
    )
    async def confirm_return_received(
        self,
        info: Info,
        return_id: strawberry.ID,
        quantity: int,
        condition: ReturnCondition,
    ) -> ConfirmReturnResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                row = await confirm_return_received(
                    session,
                    return_id=to_int(return_id),
                    quantity=quantity,
                    condition=condition.value,
                )
                result = CustomerReturn.from_model(row)
        except DomainError as exc:
            return refused(exc, return_id="returnId")
        return ReturnConfirmed(customer_return=result)

    @strawberry.mutation(
        permission_classes=allow(*FINANCIERS),
        description="Credit a refund that needed attention again, once what blocked it is "
        "fixed (the order captured, the payment account set …).",
    )
    async def retry_refund(self, info: Info, refund_id: strawberry.ID) -> RetryRefundResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                row = await retry_refund(session, refund_id=to_int(refund_id))
                result = Refund.from_model(row)
        except DomainError as exc:
            return refused(exc, refund_id="refundId")
        return RefundRetried(refund=result)
