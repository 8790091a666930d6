"""Renaming and retiring stock locations (IN-3); operations keep them, as they create them."""

from __future__ import annotations

import strawberry

from skuport.domain.errors import DomainError
from skuport.domain.inventory.stock.locations import archive_location, update_location
from skuport.schema.context import Info
from skuport.schema.inventory.common import refused, to_int, unit_of_work
from skuport.schema.inventory.stock import Location, LocationResult, LocationSaved
from skuport.schema.permissions import OPERATORS, allow


@strawberry.type
class LocationChangesMutation:
    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description="Rename a location; names stay unique.",
    )
    async def update_location(self, info: Info, id: strawberry.ID, name: str) -> LocationResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                location = await update_location(session, location_id=to_int(id), name=name)
        except DomainError as exc:
            return refused(exc, location_id="id")
        return LocationSaved(location=Location.from_model(location))

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description="Archive a location once it holds no stock and no store's settings use it; "
        "archived: false restores it.",
    )
    async def archive_location(
        self, info: Info, id: strawberry.ID, archived: bool = True
    ) -> LocationResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                location = await archive_location(
                    session, location_id=to_int(id), archived=archived
                )
        except DomainError as exc:
            return refused(exc, location_id="id")
        return LocationSaved(location=Location.from_model(location))
