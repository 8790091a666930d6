"""Stock push (SY-1 … SY-3, OR-10) and shipment confirmation (FU-1) over GraphQL."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from skuport.domain.inventory.sales.models import Shipment
from skuport.domain.jobs import Every, JobTarget
from skuport.domain.orders.models import OrderLogEntry
from skuport.domain.orders.models import ShipmentConfirmation as DomainShipmentConfirmation
from skuport.domain.stock_sync.quantities import pushed_quantities, wanted_quantities
from skuport.domain.stock_sync.scheduled import STOCK_PUSH, STOCK_PUSH_EVERY_MINUTES
from skuport.domain.stock_sync.shipments import confirm_entry, confirmations, latest_shipments
from skuport.domain.stores.models import Store
from skuport.schema.context import Info
from skuport.schema.errors import InvalidState, NotFound
from skuport.schema.ids import to_int
from skuport.schema.operations import JobStarted, OperationRun
from skuport.schema.permissions import OPERATORS, READERS, allow

ShipmentConfirmationState = strawberry.enum(
    DomainShipmentConfirmation, name="ShipmentConfirmationState"
)
MAX_ROWS = 1000


@strawberry.type(description="One FBM listing's quantity: what it should show and what was sent.")
class ListingStock:
    marketplace_id: str
    seller_sku: str
    product_id: strawberry.ID
    # SY-3
    quantity: int = strawberry.field(description="Available now, less uncaptured orders.")
    last_pushed: int | None = strawberry.field(description="The quantity last sent to Amazon.")
    pushed_at: datetime | None
    pending: bool = strawberry.field(description="The quantity differs from what Amazon was sent.")


# SY-1 … SY-3
@strawberry.type(description="Where a store's stock push to Amazon stands.")
class StockPushStatus:
    update_stock_levels: bool
    listing_count: int
    pending_count: int
    listings: list[ListingStock]


# FU-1
@strawberry.type(description="An Amazon order's shipment confirmation.")
class ShipmentConfirmationRow:
    log_entry_id: strawberry.ID
    amazon_order_id: str
    marketplace_id: str
    sale_id: strawberry.ID | None
    state: ShipmentConfirmationState  # type: ignore[valid-type]
    attempts: int
    error: str
    carrier: str | None
    tracking_number: str | None


@strawberry.type(description="The confirmation was tried again; its row says how it went.")
class ShipmentConfirmationTried:
    confirmed: bool
    confirmation: ShipmentConfirmationRow


PushStockResult = Annotated[
    JobStarted | NotFound | InvalidState, strawberry.union("PushStockResult")
]
RetryShipmentResult = Annotated[
    ShipmentConfirmationTried | NotFound | InvalidState,
    strawberry.union("RetryShipmentConfirmationResult"),
]


def _confirmation_row(entry: OrderLogEntry, shipment: Shipment | None) -> ShipmentConfirmationRow:
    return ShipmentConfirmationRow(
        log_entry_id=strawberry.ID(str(entry.id)),
        amazon_order_id=entry.amazon_order_id,
        marketplace_id=entry.marketplace_id,
        sale_id=strawberry.ID(str(entry.sale_id)) if entry.sale_id else None,
        state=entry.shipment_confirmation,
        attempts=entry.shipment_attempts,
        error=entry.shipment_error,
        carrier=shipment.carrier if shipment else None,
        tracking_number=shipment.tracking_number if shipment else None,
    )


@strawberry.type
class StockSyncQuery:
    @strawberry.field(
        permission_classes=allow(*READERS),
        # SY-1 … SY-3
        description="Each FBM listing's quantity now, last sent, and whether "
        "a change is waiting to be sent.",
    )
    async def stock_push_status(
        self,
        info: Info,
        store_id: strawberry.ID,
        only_pending: bool = False,
        first: int = 100,
    ) -> StockPushStatus | None:
        async with info.context.services.units.reading() as session:
            store = await session.get(Store, to_int(store_id))
            if store is None:
                return None
            wanted = await wanted_quantities(session, store=store)
            pushed = await pushed_quantities(session, store_id=store.id)
            times = {key: at for key, (_, at) in pushed.items()}
        shown = [w for w in wanted if w.changed or not only_pending]
        shown.sort(key=lambda w: (w.seller_sku, w.marketplace_id))
        return StockPushStatus(
            update_stock_levels=bool(store.settings and store.settings.update_stock_levels),
            listing_count=len(wanted),
            pending_count=sum(1 for w in wanted if w.changed),
            listings=[
                ListingStock(
                    marketplace_id=w.marketplace_id,
                    seller_sku=w.seller_sku,
                    product_id=strawberry.ID(str(w.product_id)),
                    quantity=w.quantity,
                    last_pushed=w.last_pushed,
                    pushed_at=times.get((w.marketplace_id, w.seller_sku)),
                    pending=w.changed,
                )
                for w in shown[: max(0, min(first, MAX_ROWS))]
            ],
        )

    @strawberry.field(
        permission_classes=allow(*READERS),
        # FU-1
        description="The store's orders whose shipment is (or was) confirmed to Amazon.",
    )
    async def shipment_confirmations(
        self,
        info: Info,
        store_id: strawberry.ID,
        state: ShipmentConfirmationState | None = None,  # type: ignore[valid-type]
        first: int = 100,
    ) -> list[ShipmentConfirmationRow]:
        async with info.context.services.units.reading() as session:
            found = await confirmations(
                session,
                store_id=to_int(store_id),
                state=DomainShipmentConfirmation(state) if state is not None else None,
                limit=min(first, MAX_ROWS),
            )
        return [_confirmation_row(entry, shipment) for entry, shipment in found]


@strawberry.type
class StockSyncMutation:
    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description="Send the store's changed stock levels to Amazon now; follow the run.",
    )
    async def push_stock_now(self, info: Info, store_id: strawberry.ID) -> PushStockResult:  # type: ignore[valid-type]
        services = info.context.services
        async with services.units.reading() as session:
            store = await session.get(Store, to_int(store_id))
        if store is None:
            return NotFound(message=f"no store with id {store_id}", field="storeId")
        if store.settings is None or not store.settings.update_stock_levels:
            return InvalidState(
                message="turn on 'update stock levels' to push stock", field="storeId"
            )
        target = JobTarget(
            key=str(store.id), label=store.name, schedule=Every(STOCK_PUSH_EVERY_MINUTES)
        )
        principal = info.context.principal
        entry = await services.runner.start(
            STOCK_PUSH, triggered_by=principal.name if principal else "", target=target
        )
        return JobStarted(run=OperationRun.from_model(entry))

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        # FU-1
        description="Try to confirm an order's shipment to Amazon again, now.",
    )
    async def retry_shipment_confirmation(
        self, info: Info, log_entry_id: strawberry.ID
    ) -> RetryShipmentResult:  # type: ignore[valid-type]
        services = info.context.services
        async with services.units.reading() as session:
            entry = await session.get(OrderLogEntry, to_int(log_entry_id))
        if entry is None:
            return NotFound(message=f"no log entry with id {log_entry_id}", field="logEntryId")
        if entry.shipment_confirmation not in (
            DomainShipmentConfirmation.WAITING,
            DomainShipmentConfirmation.FAILED,
        ):
            return InvalidState(
                message=f"the shipment confirmation is {entry.shipment_confirmation.value}; "
                "only waiting or failed ones can be retried",
                field="logEntryId",
            )
        async with services.units() as uow:
            # A retry by hand starts the count of automatic retries over.
            (await uow.session.get_one(OrderLogEntry, entry.id)).shipment_attempts = 0
        confirmed = await confirm_entry(
            units=services.units, gateway=services.amazon, log_entry_id=entry.id
        )
        async with services.units.reading() as session:
            entry = await session.get_one(OrderLogEntry, entry.id)
            shipments = await latest_shipments(session, [entry.sale_id] if entry.sale_id else [])
            row = _confirmation_row(entry, shipments.get(entry.sale_id or 0))
        return ShipmentConfirmationTried(confirmed=confirmed, confirmation=row)
