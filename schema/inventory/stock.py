"""Stock (IN-3): locations, figures per product and location, the ledger, receipts and counts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from skuport.domain.errors import DomainError
from skuport.domain.inventory.stock import models as m
from skuport.domain.inventory.stock.ledger import StockFigure, totals_for
from skuport.domain.inventory.stock.service import (
    adjust_stock,
    count_stock,
    create_location,
    list_locations,
    list_movements,
    receive_stock,
    stock_at,
    stock_figures,
)
from skuport.schema.context import Info
from skuport.schema.errors import (
    DuplicateName,
    InsufficientStock,
    InvalidInput,
    NotFound,
    RecordInUse,
)
from skuport.schema.inventory.common import quantity, reading, refused, to_id, to_int, unit_of_work
from skuport.schema.permissions import OPERATORS, READERS, allow

MovementKind = strawberry.enum(m.MovementKind, name="MovementKind")


@strawberry.type(description="A place that holds stock.")
class Location:
    id: strawberry.ID
    name: str
    archived: bool = strawberry.field(
        description="Retired: its ledger stays, but it takes no new stock or sales."
    )

    @classmethod
    def from_model(cls, row: m.Location) -> Location:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, archived=row.archived)


@strawberry.type(description="Stock of a product at a location (location null: all locations).")
class StockLevel:
    product_id: strawberry.ID
    location_id: strawberry.ID | None
    on_hand: Decimal
    allocated: Decimal = strawberry.field(description="Promised to sales not yet shipped.")
    picked: Decimal = strawberry.field(description="Set aside by picks, waiting to ship.")
    available: Decimal = strawberry.field(description="On hand - allocated; negative = backorder.")

    @classmethod
    def from_figure(cls, figure: StockFigure) -> StockLevel:
        return cls(
            product_id=strawberry.ID(str(figure.product_id)),
            location_id=to_id(figure.location_id),
            on_hand=quantity(figure.on_hand),
            allocated=quantity(figure.allocated),
            picked=quantity(figure.picked),
            available=quantity(figure.available),
        )


@strawberry.type(description="Stock per product and location, and each product's totals.")
class StockReport:
    levels: list[StockLevel]
    totals: list[StockLevel] = strawberry.field(
        description="Per product, summed over all locations."
    )


@strawberry.type(description="One row of the append-only stock ledger.")
class StockMovement:
    id: strawberry.ID
    kind: MovementKind  # type: ignore[valid-type]
    product_id: strawberry.ID
    location_id: strawberry.ID
    on_hand_delta: Decimal
    allocated_delta: Decimal
    picked_delta: Decimal
    reason: str
    reference: str | None
    sale_id: strawberry.ID | None
    credit_note_id: strawberry.ID | None
    created_at: datetime

    @classmethod
    def from_model(cls, row: m.StockMovement) -> StockMovement:
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=row.kind,
            product_id=strawberry.ID(str(row.product_id)),
            location_id=strawberry.ID(str(row.location_id)),
            on_hand_delta=quantity(row.on_hand_delta),
            allocated_delta=quantity(row.allocated_delta),
            picked_delta=quantity(row.picked_delta),
            reason=row.reason,
            reference=row.reference,
            sale_id=to_id(row.sale_id),
            credit_note_id=to_id(row.credit_note_id),
            created_at=row.created_at,
        )


@strawberry.type
class LocationSaved:
    location: Location


@strawberry.type(description="The stock moved; the level is read after the change.")
class StockMoved:
    movement: StockMovement | None = strawberry.field(
        description="Null when a count matched the figures (nothing to change)."
    )
    level: StockLevel


LocationResult = Annotated[
    LocationSaved | InvalidInput | DuplicateName | NotFound | RecordInUse,
    strawberry.union("LocationResult"),
]
StockResult = Annotated[
    StockMoved | InvalidInput | NotFound | InsufficientStock, strawberry.union("StockResult")
]


@strawberry.type
class StockQuery:
    @strawberry.field(permission_classes=allow(*READERS), description="Locations by name.")
    async def locations(
        self,
        info: Info,
        include_archived: Annotated[
            bool, strawberry.argument(description="Also list archived locations.")
        ] = False,
    ) -> list[Location]:
        async with reading(info) as session:
            rows = await list_locations(session, include_archived=include_archived)
            return [Location.from_model(row) for row in rows]

    @strawberry.field(
        permission_classes=allow(*READERS),
        description="Stock by product and/or location (rows with movements), plus totals.",
    )
    async def stock(
        self,
        info: Info,
        product_id: strawberry.ID | None = None,
        location_id: strawberry.ID | None = None,
    ) -> StockReport:
        async with reading(info) as session:
            figures = await stock_figures(
                session, product_id=to_int(product_id), location_id=to_int(location_id)
            )
            wanted = {f.product_id for f in figures}
            if product_id is not None and str(product_id).isdigit():
                wanted.add(int(product_id))
            totals = await totals_for(session, wanted)
        return StockReport(
            levels=[StockLevel.from_figure(f) for f in figures],
            totals=[StockLevel.from_figure(totals[p]) for p in sorted(totals)],
        )

    @strawberry.field(
        permission_classes=allow(*READERS),
        description="The ledger of one product (optionally at one location), oldest first.",
    )
    async def stock_movements(
        self, info: Info, product_id: strawberry.ID, location_id: strawberry.ID | None = None
    ) -> list[StockMovement]:
        async with reading(info) as session:
            rows = await list_movements(
                session, product_id=to_int(product_id) or -1, location_id=to_int(location_id)
            )
            return [StockMovement.from_model(row) for row in rows]


async def _moved(session, movement: m.StockMovement | None, product_id: int, location_id: int):  # type: ignore[no-untyped-def]
    figure = await stock_at(session, product_id=product_id, location_id=location_id)
    return StockMoved(
        movement=StockMovement.from_model(movement) if movement else None,
        level=StockLevel.from_figure(figure),
    )


@strawberry.type
class StockMutation:
    @strawberry.mutation(permission_classes=allow(*OPERATORS))
    async def create_location(self, info: Info, name: str) -> LocationResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                location = await create_location(session, name=name)
        except DomainError as exc:
            return refused(exc)
        return LocationSaved(location=Location.from_model(location))

    @strawberry.mutation(permission_classes=allow(*OPERATORS), description="Stock arrives.")
    async def receive_stock(
        self,
        info: Info,
        product_id: strawberry.ID,
        location_id: strawberry.ID,
        quantity: Decimal,
        reason: str = "receipt",
    ) -> StockResult:  # type: ignore[valid-type]
        product, location = to_int(product_id) or -1, to_int(location_id) or -1
        try:
            async with unit_of_work(info) as session:
                movement = await receive_stock(
                    session,
                    product_id=product,
                    location_id=location,
                    quantity=quantity,
                    reason=reason,
                )
                result = await _moved(session, movement, product, location)
        except DomainError as exc:
            return refused(exc)
        return result

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS), description="Correct on hand by ±change."
    )
    async def adjust_stock(
        self,
        info: Info,
        product_id: strawberry.ID,
        location_id: strawberry.ID,
        change: Decimal,
        reason: str,
    ) -> StockResult:  # type: ignore[valid-type]
        product, location = to_int(product_id) or -1, to_int(location_id) or -1
        try:
            async with unit_of_work(info) as session:
                movement = await adjust_stock(
                    session, product_id=product, location_id=location, change=change, reason=reason
                )
                result = await _moved(session, movement, product, location)
        except DomainError as exc:
            return refused(exc)
        return result

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS), description="Stock-take: on hand becomes `counted`."
    )
    async def count_stock(
        self,
        info: Info,
        product_id: strawberry.ID,
        location_id: strawberry.ID,
        counted: Decimal,
        reason: str = "stock-take",
    ) -> StockResult:  # type: ignore[valid-type]
        product, location = to_int(product_id) or -1, to_int(location_id) or -1
        try:
            async with unit_of_work(info) as session:
                movement = await count_stock(
                    session,
                    product_id=product,
                    location_id=location,
                    counted=counted,
                    reason=reason,
                )
                result = await _moved(session, movement, product, location)
        except DomainError as exc:
            return refused(exc)
        return result
