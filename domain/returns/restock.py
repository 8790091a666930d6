"""Returned units back to stock by the store's settings (BX-1).

- FBA: SELLABLE goes back to the FBA location; DAMAGED (also carrier or warehouse damaged) is
  Amazon's and waits for its reimbursement; other dispositions (CUSTOMER_DAMAGED, DEFECTIVE …)
  stay ours but unsellable: to the unsellable location, or written off without one.
- FBM: once received (the report's received quantity and condition, or a user's confirmation
  when the store confirms receipts by hand), to the returns location (else the FBM location),
  unsellable conditions as above.
- Every movement carries the return's reference; the stock push then sends the new quantities.
- A row read again unchanged changes nothing; a revised row is recorded (`ReturnRevision`),
  restocks what became sellable, and marks a sellable restock later revised for the audit.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon.returns import FbaReturn, MfnReturn, Reimbursement
from skuport.domain.errors import InvalidState, InvalidValue, NotFound
from skuport.domain.inventory.stock.ledger import lock_products, record_movement
from skuport.domain.inventory.stock.models import MovementKind
from skuport.domain.returns.matching import product_for_sku, raw_of
from skuport.domain.returns.models import (
    AmazonReimbursement,
    CustomerReturn,
    ReturnChannel,
    ReturnRevision,
    ReturnState,
)
from skuport.domain.stores.models import Store
from skuport.domain.unit_of_work import now_of

SELLABLE = "SELLABLE"
AMAZONS_DAMAGE = frozenset({"DAMAGED", "CARRIER_DAMAGED", "WAREHOUSE_DAMAGED"})
_UNSELLABLE_WORDS = ("damage", "defect", "unsellable", "expired")
_DONE = frozenset({ReturnState.RESTOCKED, ReturnState.UNSELLABLE, ReturnState.WRITTEN_OFF})


def fba_key(row: FbaReturn) -> str:
    """A row of the FBA report is one (order, SKU, licence plate or else return date)."""
    third = row.license_plate_number.strip() or row.return_date.isoformat()
    return f"fba:{row.order_id}:{row.sku}:{third}"[:200]


def mfn_key(row: MfnReturn) -> str:
    return f"mfn:{row.order_id}:{row.rma_id}:{row.sku}"[:200]


async def _existing(session: AsyncSession, store_id: int, key: str) -> CustomerReturn | None:
    return await session.scalar(
        select(CustomerReturn).where(
            CustomerReturn.store_id == store_id, CustomerReturn.return_key == key
        )
    )


async def _seen(
    session: AsyncSession, *, store: Store, key: str, channel: ReturnChannel, row: object,
    now: datetime
) -> tuple[CustomerReturn, bool]:  # fmt: skip
    """The return of `key`, and whether there is anything (new or revised) to apply."""
    raw = raw_of(row)
    found = await _existing(session, store.id, key)
    if found is not None:
        if found.raw == raw:
            return found, False
        session.add(ReturnRevision(return_id=found.id, seen_at=now, before=found.raw, after=raw))
        found.raw, found.updated_at = raw, now
        return found, True
    order_id, sku = getattr(row, "order_id"), getattr(row, "sku")  # noqa: B009
    found = CustomerReturn(
        store_id=store.id,
        return_key=key,
        channel=channel,
        amazon_order_id=order_id,
        sku=sku,
        product_id=await product_for_sku(session, store_id=store.id, sku=sku),
        quantity=getattr(row, "quantity"),  # noqa: B009
        return_date=getattr(row, "return_date"),  # noqa: B009
        state=ReturnState.AWAITING_RECEIPT,
        raw=raw,
        first_seen_at=now,
        updated_at=now,
    )
    session.add(found)
    await session.flush()
    return found, True


async def apply_fba_return(
    session: AsyncSession, *, store: Store, row: FbaReturn, now: datetime | None = None
) -> CustomerReturn:
    """Record an FBA return row and restock it by its disposition."""
    at = now or now_of(session)
    found, changed = await _seen(
        session, store=store, key=fba_key(row), channel=ReturnChannel.FBA, row=row, now=at
    )
    if not changed:
        return found
    before = found.disposition
    found.disposition = row.disposition.strip().upper()
    found.reason, found.amazon_status = row.reason[:200], row.status[:60]
    if found.state is ReturnState.RESTOCKED:
        if found.disposition != SELLABLE and before == SELLABLE:
            found.revised_after_restock = True
        await session.flush()
        return found
    if found.disposition == SELLABLE and found.state not in _DONE:
        await _restock(session, found, store.settings.fba_location_id, row.quantity, sellable=True)
    elif found.disposition in AMAZONS_DAMAGE:
        found.state = await _reimbursement_state(session, found)
    elif found.state not in _DONE:
        await _restock(session, found, store.settings.unsellable_location_id, row.quantity,
                       sellable=False)  # fmt: skip
    await session.flush()
    return found


async def apply_mfn_return(
    session: AsyncSession, *, store: Store, row: MfnReturn, now: datetime | None = None
) -> CustomerReturn:
    """Record a merchant-fulfilled return row; restock what the report says was received
    (unless the store confirms receipts by hand)."""
    at = now or now_of(session)
    found, changed = await _seen(
        session, store=store, key=mfn_key(row), channel=ReturnChannel.MFN, row=row, now=at
    )
    if not changed:
        return found
    found.reason, found.amazon_status = row.reason[:200], row.return_status[:60]
    found.disposition = (row.condition or "")[:40]
    received = row.received_quantity or 0
    if store.settings.confirm_returns_manually or found.state is not ReturnState.AWAITING_RECEIPT:
        await session.flush()
        return found
    if received > 0:
        await _receive(session, store, found, received, row.condition or "")
    await session.flush()
    return found


def _sellable_condition(condition: str) -> bool:
    said = condition.strip().lower()
    return not any(word in said for word in _UNSELLABLE_WORDS)


async def _receive(
    session: AsyncSession, store: Store, found: CustomerReturn, quantity: int, condition: str
) -> None:
    found.received_quantity, found.condition = quantity, condition[:60]
    settings = store.settings
    if _sellable_condition(condition):
        where = settings.returns_location_id or settings.fbm_location_id
        await _restock(session, found, where, quantity, sellable=True)
    else:
        await _restock(session, found, settings.unsellable_location_id, quantity, sellable=False)


async def confirm_received(
    session: AsyncSession,
    *,
    return_id: int,
    quantity: int,
    condition: str,
    now: datetime | None = None,
) -> CustomerReturn:
    """A user confirms an FBM return arrived: `quantity` units in `condition`."""
    found = await session.get(CustomerReturn, return_id)
    if found is None:
        raise NotFound("return_id", f"no return with id {return_id}")
    if found.channel is not ReturnChannel.MFN:
        raise InvalidState("return_id", "Amazon receives returns of orders it fulfilled")
    if found.state is not ReturnState.AWAITING_RECEIPT:
        raise InvalidState("return_id", f"this return is already {found.state.replace('_', ' ')}")
    if not 1 <= quantity <= found.quantity:
        raise InvalidValue("quantity", f"between 1 and {found.quantity}, the units returned")
    store = await session.get(Store, found.store_id)
    assert store is not None
    await _receive(session, store, found, quantity, condition.strip() or SELLABLE)
    found.updated_at = now or now_of(session)
    await session.flush()
    return found


async def _restock(
    session: AsyncSession,
    found: CustomerReturn,
    location_id: int | None,
    quantity: int,
    *,
    sellable: bool,
) -> None:
    """Put `quantity` of the returned product at `location_id` with the return's reference."""
    if found.product_id is None:
        found.state = ReturnState.NOT_MATCHED
        return
    if location_id is None:
        found.state = ReturnState.NO_LOCATION if sellable else ReturnState.WRITTEN_OFF
        return
    await lock_products(session, [found.product_id])
    record_movement(
        session,
        kind=MovementKind.RESTOCK,
        product_id=found.product_id,
        location_id=location_id,
        on_hand=Decimal(quantity),
        reason=f"customer return of Amazon order {found.amazon_order_id}"
        + ("" if sellable else f" ({found.disposition or found.condition or 'unsellable'})"),
        reference=found.reference,
    )
    found.location_id = location_id
    found.restocked_quantity += quantity
    found.state = ReturnState.RESTOCKED if sellable else ReturnState.UNSELLABLE


async def _reimbursement_state(session: AsyncSession, found: CustomerReturn) -> ReturnState:
    paid = await session.scalar(
        select(AmazonReimbursement.id).where(
            AmazonReimbursement.store_id == found.store_id,
            AmazonReimbursement.amazon_order_id == found.amazon_order_id,
            AmazonReimbursement.sku == found.sku,
        )
    )
    return ReturnState.REIMBURSED if paid is not None else ReturnState.AWAITING_REIMBURSEMENT


async def apply_reimbursement(
    session: AsyncSession, *, store: Store, row: Reimbursement, now: datetime | None = None
) -> AmazonReimbursement:
    """Record a reimbursement once; it settles the DAMAGED return of its order and SKU."""
    found = await session.scalar(
        select(AmazonReimbursement).where(
            AmazonReimbursement.store_id == store.id,
            AmazonReimbursement.reimbursement_key == row.reimbursement_key,
        )
    )
    if found is not None:
        return found
    found = AmazonReimbursement(
        store_id=store.id,
        reimbursement_key=row.reimbursement_key,
        kind=row.kind[:60],
        amazon_order_id=row.order_id,
        sku=row.sku,
        quantity=row.quantity,
        amount=row.amount,
        currency=row.currency,
        posted_at=row.posted_at,
        raw=raw_of(row),
        first_seen_at=now or now_of(session),
    )
    session.add(found)
    if row.order_id and row.sku:
        waiting = await session.scalars(
            select(CustomerReturn).where(
                CustomerReturn.store_id == store.id,
                CustomerReturn.amazon_order_id == row.order_id,
                CustomerReturn.sku == row.sku,
                CustomerReturn.state == ReturnState.AWAITING_REIMBURSEMENT,
            )
        )
        for waiting_return in waiting:
            waiting_return.state = ReturnState.REIMBURSED
    await session.flush()
    return found
