"""Stores, marketplaces and settings (ST-1 … ST-7). Admin connects and configures; all read."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

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
from skuport.domain.stores.settings import (
    SettingsChange,
    set_marketplace,
    tax_mapping_gaps,
    update_settings,
)
from skuport.schema.context import Info
from skuport.schema.errors import (
    ConnectionFailed,
    DuplicateName,
    InvalidInput,
    NotFound,
    PriceTierConflict,
    api_field,
    refused,
)
from skuport.schema.ids import to_id, to_int
from skuport.schema.permissions import ADMINS, READERS, allow

Region = strawberry.enum(m.Region, name="Region")
StoreStatus = strawberry.enum(m.StoreStatus, name="StoreStatus")
LoadOrdersWhen = strawberry.enum(m.LoadOrdersWhen, name="LoadOrdersWhen")
Consolidation = strawberry.enum(m.Consolidation, name="Consolidation")
FulfilmentMode = strawberry.enum(m.FulfilmentMode, name="FulfilmentMode")
InvoiceStatusSetting = strawberry.enum(m.InvoiceStatusSetting, name="InvoiceStatusSetting")
SalesRepresentative = strawberry.enum(m.SalesRepresentative, name="SalesRepresentative")
MatchProducts = strawberry.enum(m.MatchProducts, name="MatchProducts")


@strawberry.type(description="An Amazon country site.")
class Marketplace:
    id: str
    code: str = strawberry.field(description="Amazon's short name, e.g. UK")
    country_code: str = strawberry.field(description="ISO country, e.g. GB")
    name: str
    region: Region  # type: ignore[valid-type]
    currency: str

    @classmethod
    def from_model(cls, row: m.Marketplace) -> Marketplace:
        return cls(
            id=row.id,
            code=row.code,
            country_code=row.country_code,
            name=row.name,
            region=row.region,
            currency=row.currency,
        )


@strawberry.type(description="A marketplace of a store: used or not, and its price tier.")
class StoreMarketplace:
    marketplace: Marketplace
    enabled: bool
    price_tier_id: strawberry.ID | None
    sales_representative_abbreviation: str


@strawberry.type(description="A destination country's tax rule (EU stores).")
class CountryTaxRule:
    country_code: str
    tax_rule_id: strawberry.ID


# ST-5
@strawberry.type(description="Every setting of a store, with the defaults a new store starts with.")
class StoreSettings:
    load_orders_when: LoadOrdersWhen  # type: ignore[valid-type]
    consolidation: Consolidation  # type: ignore[valid-type]
    consolidation_time: time
    timezone: str
    order_download_minutes: int
    customer_id: strawberry.ID | None
    fbm_location_id: strawberry.ID | None = strawberry.field(
        description="None means all locations."
    )
    process_fba_orders: bool
    fba_location_id: strawberry.ID | None
    fulfilment_mode: FulfilmentMode  # type: ignore[valid-type]
    invoice_status: InvoiceStatusSetting  # type: ignore[valid-type]
    revenue_account_id: strawberry.ID | None
    sales_representative: SalesRepresentative  # type: ignore[valid-type]
    match_products: MatchProducts  # type: ignore[valid-type]
    create_product_if_not_found: bool
    amazon_is_master: bool = strawberry.field(
        description="When on, catalog downloads overwrite our products' data (all but SKU)."
    )
    update_stock_levels: bool
    line_tax_rule_id: strawberry.ID | None
    charge_tax_rule_id: strawberry.ID | None
    tax_free_rule_id: strawberry.ID | None
    payment_account_id: strawberry.ID | None
    country_tax_rules: list[CountryTaxRule]


def settings_view(row: m.StoreSettings) -> StoreSettings:
    return StoreSettings(
        load_orders_when=row.load_orders_when,
        consolidation=row.consolidation,
        consolidation_time=row.consolidation_time,
        timezone=row.timezone,
        order_download_minutes=row.order_download_minutes,
        customer_id=to_id(row.customer_id),
        fbm_location_id=to_id(row.fbm_location_id),
        process_fba_orders=row.process_fba_orders,
        fba_location_id=to_id(row.fba_location_id),
        fulfilment_mode=row.fulfilment_mode,
        invoice_status=row.invoice_status,
        revenue_account_id=to_id(row.revenue_account_id),
        sales_representative=row.sales_representative,
        match_products=row.match_products,
        create_product_if_not_found=row.create_product_if_not_found,
        amazon_is_master=row.amazon_is_master,
        update_stock_levels=row.update_stock_levels,
        line_tax_rule_id=to_id(row.line_tax_rule_id),
        charge_tax_rule_id=to_id(row.charge_tax_rule_id),
        tax_free_rule_id=to_id(row.tax_free_rule_id),
        payment_account_id=to_id(row.payment_account_id),
        country_tax_rules=[
            CountryTaxRule(
                country_code=r.country_code, tax_rule_id=strawberry.ID(str(r.tax_rule_id))
            )
            for r in row.country_tax_rules
        ],
    )


@strawberry.type(description="A connected Amazon seller account. Secrets are never returned.")
class Store:
    id: strawberry.ID
    name: str
    shop_representative_name: str
    region: Region  # type: ignore[valid-type]
    selling_partner_id: str
    lwa_client_id: str
    api_endpoint: str
    token_url: str
    status: StoreStatus  # type: ignore[valid-type]
    connected_at: datetime
    marketplaces: list[StoreMarketplace]
    settings: StoreSettings
    tax_mapping_gaps: list[str] = strawberry.field(
        # ST-6
        description="What the tax mapping lacks; orders are skipped until this is empty."
    )

    @classmethod
    def from_model(cls, row: m.Store) -> Store:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            shop_representative_name=row.shop_representative_name,
            region=row.region,
            selling_partner_id=row.selling_partner_id,
            lwa_client_id=row.lwa_client_id,
            api_endpoint=row.api_endpoint,
            token_url=row.token_url,
            status=row.status,
            connected_at=row.connected_at,
            marketplaces=[
                StoreMarketplace(
                    marketplace=Marketplace.from_model(entry.marketplace),
                    enabled=entry.enabled,
                    price_tier_id=to_id(entry.price_tier_id),
                    sales_representative_abbreviation=entry.marketplace.abbreviation,
                )
                for entry in sorted(row.marketplaces, key=lambda e: e.marketplace.code)
            ],
            settings=settings_view(row.settings),
            tax_mapping_gaps=tax_mapping_gaps(row),
        )


# ST-3
@strawberry.input(description="What connecting a store needs.")
class ConnectStoreInput:
    name: str
    region: Region  # type: ignore[valid-type]
    selling_partner_id: str
    lwa_client_id: str
    lwa_client_secret: str
    refresh_token: str
    shop_representative_name: str | None = None
    api_endpoint: str | None = strawberry.field(
        default=None, description="Defaults to Amazon's endpoint for the region."
    )
    token_url: str | None = strawberry.field(
        default=None, description="Defaults to Amazon's Login with Amazon token URL."
    )


@strawberry.input(description="Settings to change; omitted fields keep their value.")
class StoreSettingsInput:
    load_orders_when: LoadOrdersWhen | None = None  # type: ignore[valid-type]
    consolidation: Consolidation | None = None  # type: ignore[valid-type]
    consolidation_time: time | None = None
    timezone: str | None = None
    order_download_minutes: int | None = None
    customer_id: strawberry.ID | None = None
    fbm_location_id: strawberry.ID | None = None
    process_fba_orders: bool | None = None
    fba_location_id: strawberry.ID | None = None
    fulfilment_mode: FulfilmentMode | None = None  # type: ignore[valid-type]
    invoice_status: InvoiceStatusSetting | None = None  # type: ignore[valid-type]
    revenue_account_id: strawberry.ID | None = None
    sales_representative: SalesRepresentative | None = None  # type: ignore[valid-type]
    match_products: MatchProducts | None = None  # type: ignore[valid-type]
    create_product_if_not_found: bool | None = None
    amazon_is_master: bool | None = None
    update_stock_levels: bool | None = None
    line_tax_rule_id: strawberry.ID | None = None
    charge_tax_rule_id: strawberry.ID | None = None
    tax_free_rule_id: strawberry.ID | None = None
    payment_account_id: strawberry.ID | None = None
    country_tax_rules: list[CountryTaxRuleInput] | None = None
    clear: list[str] = strawberry.field(
        default_factory=list,
        description="Settings to set back to none, e.g. fbmLocationId (= all locations).",
    )


@strawberry.input
class CountryTaxRuleInput:
    country_code: str
    tax_rule_id: strawberry.ID


@strawberry.type
class StoreSaved:
    store: Store


@strawberry.type
class StoreDisconnected:
    id: strawberry.ID


ConnectStoreResult = Annotated[
    StoreSaved | InvalidInput | DuplicateName | ConnectionFailed,
    strawberry.union("ConnectStoreResult"),
]
UpdateStoreResult = Annotated[
    StoreSaved | InvalidInput | DuplicateName | ConnectionFailed | NotFound | PriceTierConflict,
    strawberry.union("UpdateStoreResult"),
]
DisconnectStoreResult = Annotated[
    StoreDisconnected | NotFound, strawberry.union("DisconnectStoreResult")
]

_ID_FIELDS = {
    "customer_id", "fbm_location_id", "fba_location_id", "revenue_account_id",
    "line_tax_rule_id", "charge_tax_rule_id", "tax_free_rule_id", "payment_account_id",
}  # fmt: skip


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def settings_change(data: StoreSettingsInput) -> SettingsChange:
    """The domain's change object from the API input (IDs parsed, names snake-cased)."""
    values: dict[str, object] = {}
    for name in SettingsChange.__dataclass_fields__:
        if name in ("clear", "country_tax_rules"):
            continue
        value = getattr(data, name)
        if value is not None and name in _ID_FIELDS:
            if not str(value).isdigit():
                raise _BadId(name, str(value))
            value = int(value)
        values[name] = value
    rules = None
    if data.country_tax_rules is not None:
        rules = {}
        for rule in data.country_tax_rules:
            if not str(rule.tax_rule_id).isdigit():
                raise _BadId("country_tax_rules", str(rule.tax_rule_id))
            rules[rule.country_code.upper()] = int(rule.tax_rule_id)
    return SettingsChange(
        **values, country_tax_rules=rules, clear=frozenset(_snake(c) for c in data.clear)
    )


class _BadId(ValueError):
    def __init__(self, field: str, value: str) -> None:
        super().__init__(f"{value!r} is not an id")
        self.field = api_field(field)


@strawberry.type
class StoresQuery:
    @strawberry.field(permission_classes=allow(*READERS), description="Connected stores.")
    async def stores(self, info: Info) -> list[Store]:
        async with info.context.services.sessions() as session:
            return [Store.from_model(row) for row in await list_stores(session)]

    @strawberry.field(permission_classes=allow(*READERS))
    async def store(self, info: Info, id: strawberry.ID) -> Store | None:
        async with info.context.services.sessions() as session:
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
        async with info.context.services.sessions() as session:
            return [Marketplace.from_model(row) for row in (await session.scalars(statement)).all()]


@strawberry.type(description="A seller of the sandbox Amazon that can be connected as a store.")
class SandboxSeller:
    seller_id: str
    name: str
    region: Region  # type: ignore[valid-type]
    marketplace_ids: list[str]


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
            async with services.sessions() as session, session.begin():
                store = await connect_store(
                    session,
                    gateway=services.amazon,
                    connection=connection,
                    now=services.clock.now(),
                )
                view = Store.from_model(store)
        except DomainError as exc:
            return refused(exc)
        await _stores_changed(info)
        return StoreSaved(store=view)

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
            async with services.sessions() as session, session.begin():
                store = await connect_sandbox_store(
                    session,
                    gateway=services.amazon,
                    url=services.sandbox_url,
                    seller_id=seller_id,
                    name=name,
                    now=services.clock.now(),
                )
                view = Store.from_model(store)
        except DomainError as exc:
            return refused(exc)
        await _stores_changed(info)
        return StoreSaved(store=view)

    @strawberry.mutation(permission_classes=allow(*ADMINS))
    async def update_store(
        self,
        info: Info,
        id: strawberry.ID,
        name: str | None = None,
        shop_representative_name: str | None = None,
    ) -> UpdateStoreResult:  # type: ignore[valid-type]
        try:
            async with info.context.services.sessions() as session, session.begin():
                store = await rename_store(
                    session,
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
            async with services.sessions() as session, session.begin():
                store = await reauthorise_store(
                    session,
                    gateway=services.amazon,
                    store_id=to_int(id),
                    lwa_client_id=lwa_client_id,
                    lwa_client_secret=lwa_client_secret,
                    refresh_token=refresh_token,
                    api_endpoint=api_endpoint,
                    token_url=token_url,
                )
                return StoreSaved(store=Store.from_model(store))
        except DomainError as exc:
            return refused(exc)

    @strawberry.mutation(
        permission_classes=allow(*ADMINS),
        # ST-4
        description="Remove every Amazon association; products, customers, sales stay.",
    )
    async def disconnect_store(self, info: Info, id: strawberry.ID) -> DisconnectStoreResult:  # type: ignore[valid-type]
        services = info.context.services
        try:
            async with services.sessions() as session, session.begin():
                await disconnect_store(session, store_id=to_int(id))
        except DomainError as exc:
            return refused(exc)
        await services.amazon.forget(to_int(id))
        await _stores_changed(info)
        return StoreDisconnected(id=id)

    @strawberry.mutation(permission_classes=allow(*ADMINS))
    async def update_store_settings(
        self, info: Info, store_id: strawberry.ID, settings: StoreSettingsInput
    ) -> UpdateStoreResult:  # type: ignore[valid-type]
        try:
            change = settings_change(settings)
        except _BadId as exc:
            return InvalidInput(message=str(exc), field=exc.field)
        try:
            async with info.context.services.sessions() as session, session.begin():
                await update_settings(session, store_id=to_int(store_id), change=change)
                store = await get_store(session, store_id=to_int(store_id))
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
        if price_tier_id is not None and not str(price_tier_id).isdigit():
            return InvalidInput(message=f"{price_tier_id!r} is not an id", field="priceTierId")
        try:
            async with info.context.services.sessions() as session, session.begin():
                await set_marketplace(
                    session,
                    store_id=to_int(store_id),
                    marketplace_id=marketplace_id,
                    enabled=enabled,
                    price_tier_id=int(price_tier_id) if price_tier_id is not None else None,
                    clear_price_tier=clear_price_tier,
                )
                store = await get_store(session, store_id=to_int(store_id))
                return StoreSaved(store=Store.from_model(store))
        except DomainError as exc:
            return refused(exc)


async def _stores_changed(info: Info) -> None:
    """Per-store jobs follow the stores table."""
    scheduler = info.context.services.scheduler
    if scheduler is not None:
        await scheduler.rebuild()
