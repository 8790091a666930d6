"""FU-1: a shipment authorised with a carrier on an Amazon FBM sale is confirmed to Amazon.

Only for FBM orders of stores with consolidation NONE, never when auto-ship made the shipment
(Amazon already knows, or the buyer would be told twice). A failed confirmation is FAILED with
Amazon's answer, posted as a notification, and retried by the `confirm_shipments` job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon import orders, orders_v0
from skuport.domain.amazon.errors import AmazonError, ReauthoriseStoreError
from skuport.domain.inventory.sales.models import Sale, SaleStatus, Shipment
from skuport.domain.orders.attention import post_notification
from skuport.domain.orders.models import (
    LogState,
    OrderFulfilment,
    OrderLogEntry,
    ShipmentConfirmation,
)
from skuport.domain.stores.gateway import AmazonGateway
from skuport.domain.stores.models import Consolidation, Store, StoreSettings
from skuport.domain.unit_of_work import UnitsOfWork

log = logging.getLogger(__name__)

# After this many failed attempts the job stops retrying; "retry" in the API starts over.
MAX_AUTOMATIC_ATTEMPTS = 10
NOTIFICATION_KIND = "shipment_confirmation_failed"

# Amazon's carrier codes for the carriers sellers name most; anything else goes as "Other"
# with the carrier's own name, which Amazon accepts.
CARRIER_CODES = {
    code.lower(): code
    for code in (
        "UPS", "USPS", "FedEx", "DHL", "DHL eCommerce", "DHL Express", "OnTrac", "Amazon Shipping",
        "Canada Post", "Purolator", "Royal Mail", "Parcelforce", "Yodel", "Hermes", "Evri",
        "DPD", "GLS", "TNT", "Deutsche Post", "La Poste", "Colissimo", "Chronopost",
        "Poste Italiane", "BRT", "SDA", "Correos", "SEUR", "MRW", "Estafeta",
    )
}  # fmt: skip


def carrier_code(carrier: str) -> tuple[str, str | None]:
    """Amazon's carrier code for our carrier name, and the name when the code is Other."""
    code = CARRIER_CODES.get(carrier.strip().lower())
    return (code, None) if code else ("Other", carrier.strip())


@dataclass
class ConfirmOutcome:
    """What one confirmation run did."""

    marked: int = 0
    confirmed: int = 0
    failed: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)


def _due_filter():  # type: ignore[no-untyped-def]
    """Log entries whose sale has a shipment with a carrier and that FU-1 applies to."""
    shipped = exists().where(Shipment.sale_id == OrderLogEntry.sale_id, Shipment.carrier != "")
    none_consolidation = exists().where(
        StoreSettings.store_id == OrderLogEntry.store_id,
        StoreSettings.consolidation == Consolidation.NONE,
    )
    open_sale = exists().where(Sale.id == OrderLogEntry.sale_id, Sale.status == SaleStatus.ORDERED)
    return (
        OrderLogEntry.fulfilment == OrderFulfilment.FBM,
        OrderLogEntry.auto_shipped.is_(False),
        OrderLogEntry.sale_id.is_not(None),
        OrderLogEntry.state == LogState.PROCESSED,
        shipped,
        none_consolidation,
        open_sale,
    )


async def mark_due(session: AsyncSession, *, store_id: int | None = None) -> int:
    """Entries whose shipment appeared since the last run become WAITING."""
    statement = (
        update(OrderLogEntry)
        .where(OrderLogEntry.shipment_confirmation == ShipmentConfirmation.NOT_NEEDED)
        .where(*_due_filter())
        .values(shipment_confirmation=ShipmentConfirmation.WAITING)
        .execution_options(synchronize_session=False)
    )
    if store_id is not None:
        statement = statement.where(OrderLogEntry.store_id == store_id)
    result = await session.execute(statement)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def _package(
    gateway: AmazonGateway, store: Store, entry: OrderLogEntry, shipment: Shipment
) -> orders_v0.Package:
    """Every item of the order in one package, with our shipment's carrier and tracking."""
    client = gateway.client_for(store)
    order = await orders.get_order(client, entry.amazon_order_id)
    code, name = carrier_code(shipment.carrier)
    return orders_v0.Package(
        reference_id="1",  # sending package 1 again edits it: a retry never doubles a shipment
        carrier_code=code,
        carrier_name=name,
        tracking_number=shipment.tracking_number,
        ship_date=shipment.shipped_at,
        items=[
            orders_v0.ShippedItem(order_item_id=item.order_item_id, quantity=item.quantity_ordered)
            for item in order.items
            if item.quantity_ordered > 0
        ],
    )


async def confirm_entry(*, units: UnitsOfWork, gateway: AmazonGateway, log_entry_id: int) -> bool:
    """Confirm one entry's shipment to Amazon; True when Amazon accepted it.

    Amazon is asked with no transaction open; the answer is saved in a short unit of work.
    """
    async with units.reading() as session:
        entry = await session.get(OrderLogEntry, log_entry_id)
        if entry is None or entry.sale_id is None:
            return False
        store = await session.get(Store, entry.store_id)
        shipment = await session.scalar(
            select(Shipment)
            .where(Shipment.sale_id == entry.sale_id)
            .order_by(Shipment.id.desc())
            .limit(1)
        )
        if store is None or shipment is None:
            return False
    error = ""
    try:
        if not shipment.tracking_number:
            raise ValueError("the shipment has no tracking number, which Amazon requires")
        package = await _package(gateway, store, entry, shipment)
        if not package.items:
            raise ValueError("Amazon lists no items for this order")
        await orders_v0.confirm_shipment(
            gateway.client_for(store),
            order_id=entry.amazon_order_id,
            marketplace_id=entry.marketplace_id,
            package=package,
        )
    except (AmazonError, ValueError) as exc:
        # Any failure is recorded on the entry and retried; the reason is shown to the user.
        error = str(exc) or type(exc).__name__
        if isinstance(exc, ReauthoriseStoreError):
            error = f"re-authorise the store: {error}"
    async with units() as uow:
        entry = await uow.session.get_one(OrderLogEntry, log_entry_id)
        if not error:
            entry.shipment_confirmation = ShipmentConfirmation.CONFIRMED
            entry.shipment_error = ""
        else:
            entry.shipment_confirmation = ShipmentConfirmation.FAILED
            entry.shipment_attempts += 1
            entry.shipment_error = error[:2000]
            if entry.shipment_attempts in (1, MAX_AUTOMATIC_ATTEMPTS):
                await _notify(uow.session, entry, error, uow.now())
        if not error:
            entry.shipment_attempts += 1
    if error:
        log.warning("shipment confirmation of log entry %s failed: %s", log_entry_id, error)
    return not error


async def _notify(session: AsyncSession, entry: OrderLogEntry, error: str, now: datetime) -> None:
    given_up = entry.shipment_attempts >= MAX_AUTOMATIC_ATTEMPTS
    suffix = "; no more automatic retries, retry it by hand" if given_up else "; it will be retried"
    await post_notification(
        session,
        store_id=entry.store_id,
        kind=NOTIFICATION_KIND,
        message=(
            f"Amazon order {entry.amazon_order_id}: the shipment could not be confirmed "
            f"(attempt {entry.shipment_attempts}): {error}{suffix}"
        ),
        now=now,
    )


async def confirm_due_shipments(
    *, units: UnitsOfWork, gateway: AmazonGateway, store_id: int | None = None
) -> ConfirmOutcome:
    """Mark newly shipped entries due, then confirm every WAITING and retryable FAILED one."""
    outcome = ConfirmOutcome()
    async with units() as uow:
        outcome.marked = await mark_due(uow.session, store_id=store_id)
    async with units.reading() as session:
        statement = (
            select(OrderLogEntry.id, OrderLogEntry.amazon_order_id)
            .where(
                (OrderLogEntry.shipment_confirmation == ShipmentConfirmation.WAITING)
                | (
                    (OrderLogEntry.shipment_confirmation == ShipmentConfirmation.FAILED)
                    & (OrderLogEntry.shipment_attempts < MAX_AUTOMATIC_ATTEMPTS)
                )
            )
            .where(*_due_filter())
            .order_by(OrderLogEntry.id)
        )
        if store_id is not None:
            statement = statement.where(OrderLogEntry.store_id == store_id)
        due = list((await session.execute(statement)).all())
    for entry_id, order_id in due:
        confirmed = await confirm_entry(units=units, gateway=gateway, log_entry_id=entry_id)
        if confirmed:
            outcome.confirmed += 1
        else:
            outcome.failed += 1
            async with units.reading() as session:
                reason = await session.scalar(
                    select(OrderLogEntry.shipment_error).where(OrderLogEntry.id == entry_id)
                )
            outcome.errors.append((f"order {order_id}", reason or "failed"))
    return outcome


async def confirmations(
    session: AsyncSession,
    *,
    store_id: int,
    state: ShipmentConfirmation | None = None,
    limit: int = 100,
) -> list[tuple[OrderLogEntry, Shipment | None]]:
    """FU-1's list: the store's entries whose shipment is (or was) to be confirmed, newest
    first, each with its sale's latest shipment; two queries whatever the count."""
    statement = select(OrderLogEntry).where(OrderLogEntry.store_id == store_id)
    if state is not None:
        statement = statement.where(OrderLogEntry.shipment_confirmation == state)
    else:
        statement = statement.where(
            OrderLogEntry.shipment_confirmation != ShipmentConfirmation.NOT_NEEDED
        )
    entries = list(
        await session.scalars(statement.order_by(OrderLogEntry.id.desc()).limit(max(0, limit)))
    )
    shipments = await latest_shipments(session, [e.sale_id for e in entries if e.sale_id])
    return [(entry, shipments.get(entry.sale_id or 0)) for entry in entries]


async def latest_shipments(session: AsyncSession, sale_ids: list[int]) -> dict[int, Shipment]:
    """Each sale's latest shipment, by sale id, in one query."""
    if not sale_ids:
        return {}
    latest = select(func.max(Shipment.id)).where(Shipment.sale_id.in_(sale_ids))
    rows = await session.scalars(
        select(Shipment).where(Shipment.id.in_(latest.group_by(Shipment.sale_id)))
    )
    return {shipment.sale_id: shipment for shipment in rows}
