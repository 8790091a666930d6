"""Pick, pack and ship a sale task (IN-5).

Pick rule: a pick takes real stock. It succeeds only when, for every product, the location's
on hand not yet picked by other sales covers what this sale needs; otherwise nothing is
picked, the pick stays DRAFT and pack and ship are refused until a later pick succeeds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InsufficientStock, InvalidState
from skuport.domain.inventory.sales.holdings import sale_holdings
from skuport.domain.inventory.sales.models import Sale, SaleStatus, Shipment, StageStatus
from skuport.domain.inventory.sales.service import get_sale
from skuport.domain.inventory.sales.stages import (
    FulfilmentMode,
    Stage,
    check_shipment,
    stages_of,
    stock_movement,
)
from skuport.domain.inventory.stock.ledger import figures_for, lock_products, record_movements
from skuport.domain.inventory.stock.models import MovementKind
from skuport.domain.unit_of_work import now_of


@dataclass(frozen=True)
class Shortage:
    product_id: int
    location_id: int
    needed: Decimal
    pickable: Decimal


@dataclass(frozen=True)
class PickResult:
    sale: Sale
    picked: bool
    shortages: list[Shortage] = field(default_factory=list)


def find_shortages(
    needed: Mapping[tuple[int, int], Decimal], pickable: Mapping[tuple[int, int], Decimal]
) -> list[Shortage]:
    """The pick rule: each (product, location) the sale needs, short of what may be picked."""
    return [
        Shortage(product_id=p, location_id=loc, needed=q, pickable=pickable[(p, loc)])
        for (p, loc), q in sorted(needed.items())
        if pickable[(p, loc)] < q
    ]


async def _open_sale(session: AsyncSession, sale_id: int) -> Sale:
    # The row lock stops two requests from picking or shipping the same sale at once.
    sale = await get_sale(session, sale_id=sale_id, lock=True)
    if sale.status == SaleStatus.VOIDED:
        raise InvalidState("sale_id", f"{sale.number} is voided")
    return sale


async def pick_sale(session: AsyncSession, *, sale_id: int) -> PickResult:
    """Pick the whole sale, or leave the pick DRAFT and report shortages."""
    sale = await _open_sale(session, sale_id)
    if sale.pick_status == StageStatus.AUTHORISED:
        raise InvalidState("sale_id", f"{sale.number} is already picked")
    holdings = [h for h in await sale_holdings(session, sale_id=sale.id) if h.allocated > h.picked]
    needed: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for holding in holdings:
        needed[(holding.product_id, holding.location_id)] += holding.allocated - holding.picked
    await lock_products(session, [product_id for product_id, _ in needed])
    figures = await figures_for(session, needed)
    shortages = find_shortages(
        needed, {pair: figure.unpicked_on_hand for pair, figure in figures.items()}
    )
    if shortages:
        sale.pick_status = StageStatus.DRAFT
        await session.flush()
        return PickResult(sale=sale, picked=False, shortages=shortages)
    await record_movements(
        session,
        kind=MovementKind.PICK,
        movements=[
            stock_movement(
                MovementKind.PICK,
                h.allocated - h.picked,
                product_id=h.product_id,
                location_id=h.location_id,
                sale_id=sale.id,
                sale_line_id=h.sale_line_id,
            )
            for h in holdings
        ],
    )
    sale.pick_status = StageStatus.AUTHORISED
    await session.flush()
    return PickResult(sale=sale, picked=True)


async def pack_sale(session: AsyncSession, *, sale_id: int) -> Sale:
    """Pack a picked sale."""
    sale = await _open_sale(session, sale_id)
    if sale.pick_status != StageStatus.AUTHORISED:
        raise InvalidState("sale_id", f"{sale.number} must be picked before it is packed")
    if sale.pack_status == StageStatus.AUTHORISED:
        raise InvalidState("sale_id", f"{sale.number} is already packed")
    sale.pack_status = StageStatus.AUTHORISED
    await session.flush()
    return sale


async def ship_sale(
    session: AsyncSession,
    *,
    sale_id: int,
    carrier: str,
    tracking_number: str = "",
    shipped_at: datetime | None = None,
) -> Shipment:
    """Ship a packed sale with a carrier: its picked stock leaves the location."""
    carrier, tracking_number = check_shipment(carrier, tracking_number)
    sale = await _open_sale(session, sale_id)
    if sale.pick_status != StageStatus.AUTHORISED or sale.pack_status != StageStatus.AUTHORISED:
        raise InvalidState("sale_id", f"{sale.number} must be picked and packed before shipping")
    if sale.ship_status == StageStatus.AUTHORISED:
        raise InvalidState("sale_id", f"{sale.number} is already shipped")
    holdings = [h for h in await sale_holdings(session, sale_id=sale.id) if h.picked > 0]
    await lock_products(session, [h.product_id for h in holdings])
    figures = await figures_for(session, [(h.product_id, h.location_id) for h in holdings])
    leaving: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for holding in holdings:
        leaving[(holding.product_id, holding.location_id)] += holding.picked
    for pair, quantity in leaving.items():
        if figures[pair].on_hand < quantity:  # cannot happen while picks hold stock; on guard
            raise InsufficientStock("sale_id", f"only {figures[pair].on_hand} on hand to ship")
    await record_movements(
        session,
        kind=MovementKind.SHIPMENT,
        movements=[
            stock_movement(
                MovementKind.SHIPMENT,
                h.picked,
                product_id=h.product_id,
                location_id=h.location_id,
                sale_id=sale.id,
                sale_line_id=h.sale_line_id,
            )
            for h in holdings
        ],
    )
    shipment = Shipment(
        sale_id=sale.id,
        carrier=carrier,
        tracking_number=tracking_number,
        shipped_at=shipped_at or now_of(session),
    )
    sale.shipments.append(shipment)
    sale.ship_status = StageStatus.AUTHORISED
    await session.flush()
    return shipment


async def fulfil_sale(
    session: AsyncSession,
    *,
    sale_id: int,
    mode: FulfilmentMode,
    carrier: str = "",
    tracking_number: str = "",
) -> Sale:
    """Take a sale through the stages of `mode` (`stages_of`); a pick left DRAFT by short
    stock stops there."""
    stages = stages_of(mode)
    if Stage.SHIP in stages:
        check_shipment(carrier, tracking_number)
    sale: Sale | None = None
    for stage in stages:
        if stage is Stage.PICK:
            result = await pick_sale(session, sale_id=sale_id)
            sale = result.sale
            if not result.picked:
                break
        elif stage is Stage.PACK:
            sale = await pack_sale(session, sale_id=sale_id)
        else:
            await ship_sale(
                session, sale_id=sale_id, carrier=carrier, tracking_number=tracking_number
            )
    return sale if sale is not None else await get_sale(session, sale_id=sale_id)
