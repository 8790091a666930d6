"""The pick/pack/ship rules (IN-5) both the one-sale path and the batch path apply.

`fulfilment.py` takes one sale through the stages against the database; `batch.py` decides
them for many sales in memory. Both ask this module which stages a fulfilment mode takes a
sale through, what a shipment must name, and which stock movement each step records, so
the two paths cannot drift apart.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

from skuport.domain.inventory.sales.models import StageStatus
from skuport.domain.inventory.stock.models import MovementKind
from skuport.domain.inventory.values import optional_text, required_text


class FulfilmentMode(enum.StrEnum):
    """How far a new sale is taken automatically (ST-5 pick/pack/ship mode)."""

    NONE = "none"
    PICK = "pick"
    PICK_PACK = "pick_pack"
    PICK_PACK_SHIP = "pick_pack_ship"


class Stage(enum.StrEnum):
    """One step of fulfilment; `status_column` is the sale's column that records it."""

    PICK = "pick"
    PACK = "pack"
    SHIP = "ship"

    @property
    def status_column(self) -> str:
        return f"{self.value}_status"

    @property
    def movement_kind(self) -> MovementKind | None:
        """The stock movement the stage records per line: packing moves no stock."""
        return _STAGE_MOVEMENT[self]


_STAGE_MOVEMENT = {
    Stage.PICK: MovementKind.PICK,
    Stage.PACK: None,
    Stage.SHIP: MovementKind.SHIPMENT,
}
_STAGES: dict[FulfilmentMode, tuple[Stage, ...]] = {
    FulfilmentMode.NONE: (),
    FulfilmentMode.PICK: (Stage.PICK,),
    FulfilmentMode.PICK_PACK: (Stage.PICK, Stage.PACK),
    FulfilmentMode.PICK_PACK_SHIP: (Stage.PICK, Stage.PACK, Stage.SHIP),
}


def stages_of(mode: FulfilmentMode | str) -> tuple[Stage, ...]:
    """The stages `mode` takes a new sale through, in order (a short pick stops them)."""
    return _STAGES[FulfilmentMode(mode)]


def stage_statuses(mode: FulfilmentMode | str, *, picked: bool) -> dict[str, StageStatus]:
    """The sale's pick, pack and ship status once `mode` has run: every stage of the mode
    AUTHORISED, or the pick DRAFT (and nothing after it) when stock was short."""
    statuses = {stage.status_column: StageStatus.NOT_STARTED for stage in Stage}
    stages = stages_of(mode)
    if stages and not picked:
        statuses[Stage.PICK.status_column] = StageStatus.DRAFT
        return statuses
    for stage in stages:
        statuses[stage.status_column] = StageStatus.AUTHORISED
    return statuses


def check_shipment(carrier: str, tracking_number: str = "") -> tuple[str, str]:
    """A shipment's carrier (required) and tracking number, checked."""
    return (
        required_text(carrier, field="carrier", max_length=100),
        optional_text(tracking_number, field="tracking_number", max_length=100),
    )


def stock_movement(
    kind: MovementKind,
    quantity: Decimal,
    *,
    product_id: int,
    location_id: int,
    sale_id: int,
    sale_line_id: int | None,
) -> dict[str, Any]:
    """The ledger movement of one sale line's `quantity` (see `record_movements`).

    ALLOCATION reserves it on order, PICK takes it off the shelf, SHIPMENT sends it away:
    it leaves on hand and stops being allocated and picked."""
    if kind is MovementKind.ALLOCATION:
        deltas = {"allocated": quantity}
    elif kind is MovementKind.PICK:
        deltas = {"picked": quantity}
    elif kind is MovementKind.SHIPMENT:
        deltas = {"on_hand": -quantity, "allocated": -quantity, "picked": -quantity}
    else:
        raise ValueError(f"a sale line does not record {kind} movements")
    return {
        "kind": kind,
        "product_id": product_id,
        "location_id": location_id,
        "sale_id": sale_id,
        "sale_line_id": sale_line_id,
        **deltas,
    }
