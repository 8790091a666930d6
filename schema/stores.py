"""Stores, marketplaces and settings (ST-1 … ST-7). Admin connects and configures; all read."""

from __future__ import annotations

import strawberry
from sqlalchemy import select

from skuport.domain.errors import DomainError
from skuport.domain.stores import models as m
from skuport.domain.stores.sandbox import connect_sandbox_store, sandbox_sellers
from skuport.domain.stores.service import (
    StoreConnection,
    connect_store,
    disconnect_store,
    get_store,
    list_stores,
    reauthorise_store,
    rename_store,
)
from skuport.domain.stores.settings import set_marketplace, update_settings
from skuport.schema.context import Info
from skuport.schema.errors import InvalidInput, refused
from skuport.schema.ids import is_id, to_int
from skuport.schema.permissions import ADMINS, READERS, allow
from skuport.schema.store_inputs import (
    BadId,
    ConnectStoreInput,
    ConnectStoreResult,
    DisconnectStoreResult,
    StoreDisconnected,
    StoreSaved,
    StoreSettingsInput,
    UpdateStoreResult,
    settings_change,
)
from skuport.schema.store_types import Marketplace, Region, SandboxSeller, Store


@strawberry.type
class StoresQuery:
    @strawberry.field(permission_classes=allow(*READERS), description="Connected stores.")
    async def stores(self, info: Info) -> list[Store]:
        async with info.context.services.units.reading() as session:
            return [Store.from_model(row) for row in await list_stores(session)]

    @strawberry.field(permission_classes=allow(*READERS))
    async def store(self, info: Info, id: strawberry.ID) -> Store | None:
        async with info.context.services.units.reading() as session:
            row = await session.get(m.Store, to_int(id))
            return Store.from_model(row) if row else None

    @strawberry.field(
        permission_classes=allow(*ADMINS),
        description="Sellers of the sandbox Amazon, when the server runs with one (demo).",
    )
    async def sandbox_sellers(self, info: Info) -> list[SandboxSeller]:
        services = info.context.services
        if not services.sandbox_url:
            return []
        try:
            sellers = await sandbox_sellers(services.amazon, url=services.sandbox_url)
        except DomainError:
            return []
        return [
            SandboxSeller(
                seller_id=s.seller_id,
                name=s.name,
                region=s.region,
                marketplace_ids=list(s.marketplace_ids),
            )
            for s in sellers
        ]

    @strawberry.field(permission_classes=allow(*READERS), description="Every known marketplace.")
    async def marketplaces(self, info: Info, region: Region | None = None) -> list[Marketplace]:  # type: ignore[valid-type]
        statement = select(m.Marketplace).order_by(m.Marketplace.region, m.Marketplace.code)
        if region is not None:
            statement = statement.where(m.Marketplace.region == region)
        async with info.context.services.units.reading() as session:
            return [Marketplace.from_model(row) for row in (await session.scalars(statement)).all()]


@strawberry.type
class StoresMutation:
    @strawberry.mutation(
        permission_classes=allow(*ADMINS),
        description="Test the credentials with Amazon, discover marketplaces, save the store.",
    )
    async def connect_store(self, info: Info, input: ConnectStoreInput) -> ConnectStoreResult:  # type: ignore[valid-type]
        services = info.context.services
        connection = StoreConnection(
            name=input.name,
            region=m.Region(input.region),
            selling_partner_id=input.selling_partner_id,
            lwa_client_id=input.lwa_client_id,
            lwa_client_secret=input.lwa_client_secret,
            refresh_token=input.refresh_token,
            shop_representative_name=input.shop_representative_name,
            api_endpoint=input.api_endpoint,
            token_url=input.token_url,
        )
        try:
            store = await connect_store(
                services.units, gateway=services.amazon, connection=connection
            )
        except DomainError as exc:
            return refused(exc)
        await _stores_changed(info)
        return StoreSaved(store=Store.from_model(store))

    @strawberry.mutation(
        permission_classes=allow(*ADMINS),
        description="Connect a seller of the sandbox Amazon (demo), tested like a real store.",
    )
    async def connect_sandbox_store(
        self, info: Info, seller_id: str, name: str | None = None
    ) -> ConnectStoreResult:  # type: ignore[valid-type]
        services = info.context.services
        if not services.sandbox_url:
            return InvalidInput(
                message="this server runs without a sandbox Amazon (set SKUPORT_SANDBOX_URL)",
                field="sellerId",
            )
        try:
            store = await connect_sandbox_store(
                services.units,
                gateway=services.amazon,
                url=services.sandbox_url,
                seller_id=seller_id,
                name=name,
            )
        except DomainError as exc:
            return refused(exc)
        await _stores_changed(info)
        return StoreSaved(store=Store.from_model(store))

    @strawberry.mutation(permission_classes=allow(*ADMINS))
    async def update_store(
        self,
        info: Info,
        id: strawberry.ID,
        name: str | None = None,
        shop_representative_name: str | None = None,
    ) -> UpdateStoreResult:  # type: ignore[valid-type]
        try:
            async with info.context.services.units() as uow:
                store = await rename_store(
                    uow.session,
                    store_id=to_int(id),
                    name=name,
                    shop_representative_name=shop_representative_name,
                )
                return StoreSaved(store=Store.from_model(store))
        except DomainError as exc:
            return refused(exc)

    @strawberry.mutation(
        permission_classes=allow(*ADMINS), description="Replace a store's credentials (tested)."
    )
    async def reauthorise_store(
        self,
        info: Info,
        id: strawberry.ID,
        lwa_client_id: str,
        lwa_client_secret: str,
        refresh_token: str,
        api_endpoint: str | None = None,
        token_url: str | None = None,
    ) -> UpdateStoreResult:  # type: ignore[valid-type]
        services = info.context.services
        try:
            store = await reauthorise_store(
                services.units,
                gateway=services.amazon,
                store_id=to_int(id),
                lwa_client_id=lwa_client_id,
                lwa_client_secret=lwa_client_secret,
                refresh_token=refresh_token,
                api_endpoint=api_endpoint,
                token_url=token_url,
            )
        except DomainError as exc:
            return refused(exc)
        return StoreSaved(store=Store.from_model(store))

    @strawberry.mutation(
        permission_classes=allow(*ADMINS),
        # ST-4
        description="Remove every Amazon association; products, customers, sales stay. The "
        "stock held by the store's pending orders is released.",
    )
    async def disconnect_store(self, info: Info, id: strawberry.ID) -> DisconnectStoreResult:  # type: ignore[valid-type]
        services = info.context.services
        try:
            async with services.units() as uow:
                orders = await disconnect_store(uow.session, store_id=to_int(id), now=uow.now())
        except DomainError as exc:
            return refused(exc)
        await services.amazon.forget(to_int(id))
        await _stores_changed(info)
        return StoreDisconnected(
            id=id,
            pending_orders_released=orders.pending_orders_released,
            units_released=orders.units_released,
            captured_orders_remembered=orders.captured_orders_remembered,
        )

    @strawberry.mutation(permission_classes=allow(*ADMINS))
    async def update_store_settings(
        self, info: Info, store_id: strawberry.ID, settings: StoreSettingsInput
    ) -> UpdateStoreResult:  # type: ignore[valid-type]
        try:
            change = settings_change(settings)
        except BadId as exc:
            return InvalidInput(message=str(exc), field=exc.field)
        try:
            async with info.context.services.units() as uow:
                await update_settings(uow.session, store_id=to_int(store_id), change=change)
                store = await get_store(uow.session, store_id=to_int(store_id))
                view = Store.from_model(store)
        except DomainError as exc:
            return refused(exc)
        await _stores_changed(info)
        return StoreSaved(store=view)

    @strawberry.mutation(
        permission_classes=allow(*ADMINS),
        # ST-7
        description="Use a marketplace or not, and set its price tier (one currency a tier).",
    )
    async def set_store_marketplace(
        self,
        info: Info,
        store_id: strawberry.ID,
        marketplace_id: str,
        enabled: bool | None = None,
        price_tier_id: strawberry.ID | None = None,
        clear_price_tier: bool = False,
    ) -> UpdateStoreResult:  # type: ignore[valid-type]
        if price_tier_id is not None and not is_id(price_tier_id):
            return InvalidInput(message=f"{price_tier_id!r} is not an id", field="priceTierId")
        try:
            async with info.context.services.units() as uow:
                await set_marketplace(
                    uow.session,
                    store_id=to_int(store_id),
                    marketplace_id=marketplace_id,
                    enabled=enabled,
                    price_tier_id=int(price_tier_id) if price_tier_id is not None else None,
                    clear_price_tier=clear_price_tier,
                )
                store = await get_store(uow.session, store_id=to_int(store_id))
                return StoreSaved(store=Store.from_model(store))
        except DomainError as exc:
            return refused(exc)


async def _stores_changed(info: Info) -> None:
    """Per-store jobs follow the stores table."""
    scheduler = info.context.services.scheduler
    if scheduler is not None:
        await scheduler.rebuild()
