"""Pending orders, the needs-attention queue and the order jobs (OR-1 … OR-9, PR-1, BX-3)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry
from sqlalchemy import select

from skuport.domain.errors import DomainError
from skuport.domain.jobs import Every, JobTarget
from skuport.domain.orders import models as m
from skuport.domain.orders.actions import retry_attention_item
from skuport.domain.orders.download import check_load_range
from skuport.domain.orders.scheduled import ORDERS_PROCESS_NOW, load_job
from skuport.domain.stores.models import Store
from skuport.schema.context import Info
from skuport.schema.errors import InvalidInput, NotFound, refused
from skuport.schema.ids import to_id, to_int
from skuport.schema.operations import JobStarted, OperationRun
from skuport.schema.pagination import Connection, paginate
from skuport.schema.permissions import OPERATORS, READERS, allow

OrderFulfilment = strawberry.enum(m.OrderFulfilment, name="OrderFulfilment")
OrderChargeKind = strawberry.enum(m.OrderChargeKind, name="OrderChargeKind")


# BX-2
@strawberry.enum(description="How a load reads Amazon; AUTO picks by the range's length.")
class OrderRoute(Enum):
    AUTO = "auto"
    SEARCH = "search"
    REPORT = "report"


@strawberry.type(description="A shipping address as Amazon gave it.")
class OrderAddress:
    name: str
    line1: str
    line2: str
    line3: str
    city: str
    region: str
    postcode: str
    country: str
    phone: str


@strawberry.type(description="One line of a pending order: our product, or a service line.")
class PendingOrderLineNode:
    order_item_id: str
    seller_sku: str
    asin: str
    title: str
    product_id: strawberry.ID | None
    is_service_line: bool
    quantity: Decimal
    unit_price: Decimal
    line_total: Decimal
    tax_amount: Decimal
    tax_rule_id: strawberry.ID | None


# OR-4
@strawberry.type(description="An order-level charge or discount with its tax rule.")
class PendingOrderChargeNode:
    kind: OrderChargeKind  # type: ignore[valid-type]
    amount: Decimal
    tax_amount: Decimal
    tax_rule_id: strawberry.ID | None


@strawberry.type(description="A captured order waiting to become a sale; its stock is allocated.")
class PendingOrderNode:
    id: strawberry.ID
    store_id: strawberry.ID
    marketplace_id: str
    amazon_order_id: str
    fulfilment: OrderFulfilment  # type: ignore[valid-type]
    purchased_at: datetime
    currency: str
    buyer_name: str
    billing_name: str
    company_name: str
    is_business: bool
    shipping_address: OrderAddress
    location_id: strawberry.ID | None
    tax_inclusive: bool
    total: Decimal
    paid: bool
    lines: list[PendingOrderLineNode]
    charges: list[PendingOrderChargeNode]

    @classmethod
    def from_model(cls, order: m.PendingOrder) -> PendingOrderNode:
        raw = order.shipping_address or {}
        keys = ("name", "line1", "line2", "line3", "city", "region", "postcode", "country", "phone")
        return cls(
            id=strawberry.ID(str(order.id)),
            store_id=strawberry.ID(str(order.store_id)),
            marketplace_id=order.marketplace_id,
            amazon_order_id=order.amazon_order_id,
            fulfilment=order.fulfilment,
            purchased_at=order.purchased_at,
            currency=order.currency,
            buyer_name=order.buyer_name,
            billing_name=order.billing_name,
            company_name=order.company_name,
            is_business=order.is_business,
            shipping_address=OrderAddress(**{k: str(raw.get(k, "")) for k in keys}),
            location_id=to_id(order.location_id),
            tax_inclusive=order.tax_inclusive,
            total=order.total,
            paid=order.paid,
            lines=[
                PendingOrderLineNode(
                    order_item_id=line.order_item_id,
                    seller_sku=line.seller_sku,
                    asin=line.asin,
                    title=line.title,
                    product_id=to_id(line.product_id),
                    is_service_line=line.product_id is None,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    line_total=line.line_total,
                    tax_amount=line.tax_amount,
                    tax_rule_id=to_id(line.tax_rule_id),
                )
                for line in order.lines
            ],
            charges=[
                PendingOrderChargeNode(
                    kind=charge.kind,
                    amount=charge.amount,
                    tax_amount=charge.tax_amount,
                    tax_rule_id=to_id(charge.tax_rule_id),
                )
                for charge in order.charges
            ],
        )


# BX-3
@strawberry.type(description="An order that could not be captured or processed, and why.")
class AttentionItemNode:
    id: strawberry.ID
    store_id: strawberry.ID
    amazon_order_id: str
    marketplace_id: str
    stage: str = strawberry.field(description="capture, processing or cancellation")
    reason: str = strawberry.field(description="e.g. tax_mapping_incomplete, unmapped_product")
    detail: str
    first_seen_at: datetime
    last_seen_at: datetime
    attempts: int

    @classmethod
    def from_model(cls, item: m.AttentionItem) -> AttentionItemNode:
        return cls(
            id=strawberry.ID(str(item.id)),
            store_id=strawberry.ID(str(item.store_id)),
            amazon_order_id=item.amazon_order_id,
            marketplace_id=item.marketplace_id,
            stage=item.stage,
            reason=item.reason,
            detail=item.detail,
            first_seen_at=item.first_seen_at,
            last_seen_at=item.last_seen_at,
            attempts=item.attempts,
        )


@strawberry.type(description="What a retry did with the order.")
class AttentionRetried:
    outcome: str = strawberry.field(
        description="captured, processed, skipped, cancelled, held or seen"
    )
    reason: str
    detail: str
    still_needs_attention: bool


LoadOrdersResult = Annotated[
    JobStarted | NotFound | InvalidInput, strawberry.union("LoadOrdersResult")
]
ProcessPendingResult = Annotated[JobStarted | NotFound, strawberry.union("ProcessPendingResult")]
RetryAttentionResult = Annotated[
    AttentionRetried | NotFound | InvalidInput, strawberry.union("RetryAttentionResult")
]


def as_int(value: strawberry.ID) -> int:
    return to_int(value)


async def store_or_none(info: Info, store_id: strawberry.ID) -> Store | None:
    async with info.context.services.sessions() as session:
        return await session.get(Store, as_int(store_id))


def _who(info: Info) -> str:
    principal = info.context.principal
    return principal.name if principal else ""


async def start_load(
    info: Info, store: Store, *, start: datetime, end: datetime | None, route: str | None
) -> JobStarted:
    """Start an on-demand load of the store's orders for a range (OR-1, LG-3)."""
    target = JobTarget(key=str(store.id), label=store.name, schedule=Every(60))
    entry = await info.context.services.runner.start(
        load_job(start=start, end=end, route=route), triggered_by=_who(info), target=target
    )
    return JobStarted(run=OperationRun.from_model(entry))


@strawberry.type
class OrdersQuery:
    @strawberry.field(
        permission_classes=allow(*READERS),
        description="The store's pending orders (captured, not yet sales), newest first.",
    )
    async def pending_orders(
        self,
        info: Info,
        store_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[PendingOrderNode]:
        statement = select(m.PendingOrder).where(m.PendingOrder.store_id == as_int(store_id))
        async with info.context.services.sessions() as session:
            return await paginate(
                session,
                statement,
                key=m.PendingOrder.id,
                first=first,
                after=after,
                convert=PendingOrderNode.from_model,
            )

    @strawberry.field(
        permission_classes=allow(*READERS),
        # BX-3
        description="Orders that need attention, with their reasons (all stores if none).",
    )
    async def attention_items(
        self, info: Info, store_id: strawberry.ID | None = None
    ) -> list[AttentionItemNode]:
        statement = select(m.AttentionItem).order_by(m.AttentionItem.id)
        if store_id is not None:
            statement = statement.where(m.AttentionItem.store_id == as_int(store_id))
        async with info.context.services.sessions() as session:
            return [AttentionItemNode.from_model(i) for i in await session.scalars(statement)]


@strawberry.type
class OrdersMutation:
    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description=(
            # OR-1, BX-2
            "Load the store's orders last updated in a range, in the background; long "
            "ranges are read from Amazon's orders report. Follow the returned run. The range "
            "is read by the server's clock: it must start before now and end today at the "
            "latest (it is read up to now)."
        ),
    )
    async def load_orders(
        self,
        info: Info,
        store_id: strawberry.ID,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime | None = None,
        route: OrderRoute = OrderRoute.AUTO,
    ) -> LoadOrdersResult:  # type: ignore[valid-type]
        store = await store_or_none(info, store_id)
        if store is None:
            return NotFound(message=f"no store with id {store_id}", field="storeId")
        if from_.tzinfo is None or (to is not None and to.tzinfo is None):
            return InvalidInput(message="give times with a time zone (e.g. Z)", field="from")
        if to is not None and to <= from_:
            return InvalidInput(message="`to` must be after `from`", field="to")
        try:
            check_load_range(start=from_, end=to, now=info.context.services.clock.now())
        except DomainError as exc:
            return refused(exc, start="from", end="to")
        chosen = None if route is OrderRoute.AUTO else route.value
        return await start_load(info, store, start=from_, end=to, route=chosen)

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        # PR-1
        description='Process the store\'s pending orders now ("Process"), in the background.',
    )
    async def process_pending_orders(
        self, info: Info, store_id: strawberry.ID
    ) -> ProcessPendingResult:  # type: ignore[valid-type]
        store = await store_or_none(info, store_id)
        if store is None:
            return NotFound(message=f"no store with id {store_id}", field="storeId")
        target = JobTarget(key=str(store.id), label=store.name, schedule=Every(60))
        entry = await info.context.services.runner.start(
            ORDERS_PROCESS_NOW, triggered_by=_who(info), target=target
        )
        return JobStarted(run=OperationRun.from_model(entry))

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        # BX-3
        description="Try a queued order again (after fixing what its reason names).",
    )
    async def retry_attention_item(self, info: Info, id: strawberry.ID) -> RetryAttentionResult:  # type: ignore[valid-type]
        services = info.context.services
        try:
            outcome = await retry_attention_item(
                units=services.units, gateway=services.amazon, item_id=as_int(id)
            )
        except DomainError as exc:
            return refused(exc)
        async with services.sessions() as session:
            item = await session.scalar(
                select(m.AttentionItem.id).where(m.AttentionItem.id == as_int(id))
            )
        return AttentionRetried(
            outcome=outcome.kind,
            reason=str(outcome.reason),
            detail=outcome.detail,
            still_needs_attention=item is not None,
        )
