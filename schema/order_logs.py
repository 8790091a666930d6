"""The order log with each sale's state (LG-1 … LG-3) and notifications (OR-8, BX-4)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from skuport.domain.errors import DomainError
from skuport.domain.inventory.sales.invoicing import sales_with_invoices
from skuport.domain.inventory.sales.models import Invoice, Sale
from skuport.domain.orders import models as m
from skuport.domain.orders.actions import (
    delete_log_entry,
    prepare_reload,
    select_log_entries,
)
from skuport.domain.orders.attention import mark_read, notifications_query
from skuport.domain.orders.events import NotificationPosted
from skuport.schema.context import Info
from skuport.schema.errors import InvalidInput, InvalidState, NotFound, refused
from skuport.schema.live import while_token_valid
from skuport.schema.operations import JobStarted
from skuport.schema.orders import OrderFulfilment, as_int, start_load, store_or_none
from skuport.schema.pagination import Connection, paginate
from skuport.schema.permissions import OPERATORS, READERS, allow

LogState = strawberry.enum(m.LogState, name="OrderLogState")


# LG-1
@strawberry.type(description="Where the order's sale task stands.")
class OrderSaleState:
    id: strawberry.ID
    number: str
    status: str = strawberry.field(description="ordered or voided")
    pick_status: str
    pack_status: str
    ship_status: str
    invoice_status: str | None = strawberry.field(description="draft, authorised or voided")
    total: Decimal | None
    paid: Decimal | None
    payment_status: str | None


# LG-1
@strawberry.type(description="One captured Amazon order.")
class OrderLogRow:
    id: strawberry.ID
    store_id: strawberry.ID
    marketplace_id: str
    amazon_order_id: str
    amazon_status: str
    fulfilment: OrderFulfilment  # type: ignore[valid-type]
    state: LogState  # type: ignore[valid-type]
    purchased_at: datetime
    amazon_updated_at: datetime
    captured_at: datetime
    payment_applied: bool
    auto_shipped: bool
    note: str
    sale: OrderSaleState | None


@strawberry.input(description="Filters of the order log.")
class OrderLogFilterInput:
    state: LogState | None = None  # type: ignore[valid-type]
    amazon_order_id: str | None = None
    marketplace_id: str | None = None


@strawberry.type(description="A message for the users (skipped orders, failures, …).")
class NotificationNode:
    id: strawberry.ID
    store_id: strawberry.ID | None
    kind: str
    message: str
    created_at: datetime
    read: bool

    @classmethod
    def from_model(cls, note: m.Notification) -> NotificationNode:
        return cls(
            id=strawberry.ID(str(note.id)),
            store_id=strawberry.ID(str(note.store_id)) if note.store_id else None,
            kind=note.kind,
            message=note.message,
            created_at=note.created_at,
            read=note.read_at is not None,
        )


# BX-4
@strawberry.type(description="A notification as it is posted.")
class NotificationPostedUpdate:
    id: strawberry.ID
    store_id: strawberry.ID | None
    kind: str
    message: str


@strawberry.type
class LogEntryDeleted:
    id: strawberry.ID


@strawberry.type
class NotificationsRead:
    count: int


DeleteLogEntryResult = Annotated[
    LogEntryDeleted | NotFound, strawberry.union("DeleteLogEntryResult")
]
ReloadOrderResult = Annotated[
    JobStarted | NotFound | InvalidState | InvalidInput, strawberry.union("ReloadOrderResult")
]


def _row(
    entry: m.OrderLogEntry, sale_and_invoice: tuple[Sale, Invoice | None] | None
) -> OrderLogRow:
    sale, invoice = sale_and_invoice or (None, None)
    return OrderLogRow(
        id=strawberry.ID(str(entry.id)),
        store_id=strawberry.ID(str(entry.store_id)),
        marketplace_id=entry.marketplace_id,
        amazon_order_id=entry.amazon_order_id,
        amazon_status=entry.amazon_status,
        fulfilment=entry.fulfilment,
        state=entry.state,
        purchased_at=entry.purchased_at,
        amazon_updated_at=entry.amazon_updated_at,
        captured_at=entry.captured_at,
        payment_applied=entry.payment_applied,
        auto_shipped=entry.auto_shipped,
        note=entry.note,
        sale=OrderSaleState(
            id=strawberry.ID(str(sale.id)),
            number=sale.number,
            status=sale.status.value,
            pick_status=sale.pick_status.value,
            pack_status=sale.pack_status.value,
            ship_status=sale.ship_status.value,
            invoice_status=invoice.status.value if invoice else None,
            total=invoice.total if invoice else None,
            paid=invoice.paid if invoice else None,
            payment_status=invoice.payment_status.value if invoice else None,
        )
        if sale
        else None,
    )


@strawberry.type
class OrderLogsQuery:
    @strawberry.field(
        permission_classes=allow(*READERS),
        # LG-1
        description="The store's captured orders with their sale's state, newest first.",
    )
    async def order_log(
        self,
        info: Info,
        store_id: strawberry.ID,
        filter: OrderLogFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[OrderLogRow]:
        wanted = filter or OrderLogFilterInput()
        statement = select_log_entries(
            store_id=as_int(store_id),
            state=wanted.state,
            amazon_order_id=wanted.amazon_order_id,
            marketplace_id=wanted.marketplace_id,
        )
        async with info.context.services.units.reading() as session:
            page = await paginate(
                session,
                statement,
                key=m.OrderLogEntry.id,
                first=first,
                after=after,
                convert=lambda entry: entry,
            )
            sales = await sales_with_invoices(
                session, [e.node.sale_id for e in page.edges if e.node.sale_id]
            )
            for edge in page.edges:
                edge.node = _row(edge.node, sales.get(edge.node.sale_id or 0))
        return page  # type: ignore[return-value]

    @strawberry.field(
        permission_classes=allow(*READERS), description="Notifications, newest first."
    )
    async def notifications(
        self,
        info: Info,
        unread_only: bool = False,
        store_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[NotificationNode]:
        statement = notifications_query(
            unread_only=unread_only, store_id=as_int(store_id) if store_id is not None else None
        )
        async with info.context.services.units.reading() as session:
            return await paginate(
                session,
                statement,
                key=m.Notification.id,
                first=first,
                after=after,
                convert=NotificationNode.from_model,
            )


@strawberry.type
class OrderLogsMutation:
    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        # LG-2
        description="Delete a log entry so the order can be captured again; the sale stays.",
    )
    async def delete_log_entry(self, info: Info, id: strawberry.ID) -> DeleteLogEntryResult:  # type: ignore[valid-type]
        try:
            async with info.context.services.units() as uow:
                await delete_log_entry(uow.session, entry_id=as_int(id))
        except DomainError as exc:
            return refused(exc)
        return LogEntryDeleted(id=id)

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description=(
            # LG-3
            "Void the order's sale task, delete its log entry and load orders from a date "
            "before the order; follow the returned run."
        ),
    )
    async def reload_order(
        self, info: Info, store_id: strawberry.ID, amazon_order_id: str
    ) -> ReloadOrderResult:  # type: ignore[valid-type]
        store = await store_or_none(info, store_id)
        if store is None:
            return NotFound(message=f"no store with id {store_id}", field="storeId")
        services = info.context.services
        try:
            async with services.units() as uow:
                start = await prepare_reload(
                    uow.session, store_id=store.id, amazon_order_id=amazon_order_id
                )
        except DomainError as exc:
            return refused(exc)
        return await start_load(info, store, start=start, end=None, route="search")

    # Read state is shared by everyone, so only those who act on notifications may change it.
    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description=(
            "Mark notifications read (all unread ones when no ids are given). Read state is "
            "shared by every user, so only operations (and admin) tokens may change it."
        ),
    )
    async def mark_notifications_read(
        self, info: Info, ids: list[strawberry.ID] | None = None
    ) -> NotificationsRead:
        services = info.context.services
        wanted = [as_int(i) for i in ids] if ids is not None else None
        async with services.units() as uow:
            count = await mark_read(uow.session, ids=wanted, now=uow.now())
        return NotificationsRead(count=count)


@strawberry.type
class OrderLogsSubscription:
    @strawberry.subscription(
        permission_classes=allow(*READERS),
        # BX-4
        description="Notifications as they are posted, optionally for one store.",
    )
    async def notifications_posted(
        self, info: Info, store_id: strawberry.ID | None = None
    ) -> AsyncGenerator[NotificationPostedUpdate, None]:
        events = info.context.services.bus.subscribe(NotificationPosted)
        async for event in while_token_valid(info, events):
            if store_id is not None and str(event.store_id) != str(store_id):
                continue
            yield NotificationPostedUpdate(
                id=strawberry.ID(str(event.notification_id)),
                store_id=strawberry.ID(str(event.store_id)) if event.store_id else None,
                kind=event.kind,
                message=event.message,
            )
