"""The stores' GraphQL types (ST-1 … ST-7): stores, marketplaces, settings. Secrets never leave."""

from __future__ import annotations

from datetime import datetime, time

import strawberry

from skuport.domain.stores import models as m
from skuport.domain.stores.settings import tax_mapping_gaps
from skuport.schema.ids import to_id

Region = strawberry.enum(m.Region, name="Region")
StoreStatus = strawberry.enum(m.StoreStatus, name="StoreStatus")
LoadOrdersWhen = strawberry.enum(m.LoadOrdersWhen, name="LoadOrdersWhen")
Consolidation = strawberry.enum(m.Consolidation, name="Consolidation")
FulfilmentMode = strawberry.enum(m.FulfilmentMode, name="FulfilmentMode")
InvoiceStatusSetting = strawberry.enum(m.InvoiceStatusSetting, name="InvoiceStatusSetting")
SalesRepresentative = strawberry.enum(m.SalesRepresentative, name="SalesRepresentative")
MatchProducts = strawberry.enum(m.MatchProducts, name="MatchProducts")

LINE_RULE = (
    "The tax rule of order lines. North America: named on lines Amazon taxed, with Amazon's "
    "tax amount; it must add tax to the price (a tax-inclusive rule would leave Amazon's tax "
    "out of the total and is refused). Europe: used when neither the product nor the "
    "destination country has a rule; it must be tax inclusive."
)
CHARGE_RULE = (
    "North American stores: the tax rule of shipping, gift wrap and discounts that Amazon "
    "taxed, with Amazon's tax amount; it must add tax to the price. European stores do not use "
    "it: their charges take the destination country's rule, as lines do."
)
TAX_FREE_RULE = (
    "A tax-free rule: North America, for lines and charges Amazon did not tax; Europe, for "
    "destinations without a country rule."
)
COUNTRY_RULES = (
    "European stores: the tax-inclusive rule for each destination country, used for lines "
    "without a product rule and for every additional charge."
)
RETURNS_LOCATION = (
    "Where merchant-fulfilled returns go back into stock once received; none means the FBM "
    "location (with all locations, nothing is restocked). Amazon-fulfilled sellable returns "
    "go back to the FBA location."
)
UNSELLABLE_LOCATION = (
    "Where returned units that are ours but cannot be sold (customer damaged, defective) go; "
    "none means they are written off."
)
CONFIRM_RETURNS = (
    "When on, a merchant-fulfilled return is restocked only once you confirm it arrived "
    "(runbook 07), not when Amazon's returns report says it was received."
)


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
    line_tax_rule_id: strawberry.ID | None = strawberry.field(description=LINE_RULE)
    charge_tax_rule_id: strawberry.ID | None = strawberry.field(description=CHARGE_RULE)
    tax_free_rule_id: strawberry.ID | None = strawberry.field(description=TAX_FREE_RULE)
    payment_account_id: strawberry.ID | None
    country_tax_rules: list[CountryTaxRule] = strawberry.field(description=COUNTRY_RULES)
    # BX-1
    returns_location_id: strawberry.ID | None = strawberry.field(description=RETURNS_LOCATION)
    unsellable_location_id: strawberry.ID | None = strawberry.field(description=UNSELLABLE_LOCATION)
    confirm_returns_manually: bool = strawberry.field(description=CONFIRM_RETURNS)


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
        returns_location_id=to_id(row.returns_location_id),
        unsellable_location_id=to_id(row.unsellable_location_id),
        confirm_returns_manually=row.confirm_returns_manually,
        country_tax_rules=[
            CountryTaxRule(
                country_code=r.country_code, tax_rule_id=strawberry.ID(str(r.tax_rule_id))
            )
            for r in row.country_tax_rules
        ],
    )


@strawberry.type(
    description="A restricted Amazon role of the store's application, and what it brings."
)
class RestrictedRole:
    name: str
    granted: bool | None = strawberry.field(
        description="Whether Amazon sends what the role brings; null until a paid "
        "merchant-fulfilled order has shown it."
    )
    gives: str = strawberry.field(description="What Amazon sends with this role.")
    without_it: str = strawberry.field(description="What Skuport does while the role is missing.")


def restricted_roles(row: m.Store) -> list[RestrictedRole]:
    """The restricted roles and whether the store's orders show them (going live, item 1)."""
    granted = {"granted": True, "missing": False}.get(row.personal_data or "")
    return [
        RestrictedRole(
            name="Direct-to-Consumer Delivery",
            granted=granted,
            gives="the buyer's name and e-mail, the recipient's name, street, postal code and "
            "phone on merchant-fulfilled orders",
            without_it="orders are captured with the store's customer and the city, region and "
            "country Amazon still gives; the order log says so",
        ),
        RestrictedRole(
            name="Tax Invoicing",
            granted=granted,
            gives="the buyer's name and company for invoices",
            without_it="invoices carry the store's customer; EU orders without a destination "
            "country are taxed for their marketplace's country",
        ),
    ]


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
    restricted_roles: list[RestrictedRole] = strawberry.field(
        description="The restricted roles of the store's Amazon application: which it has, "
        "and what is missing without them."
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
            restricted_roles=restricted_roles(row),
        )


@strawberry.type(description="A seller of the sandbox Amazon that can be connected as a store.")
class SandboxSeller:
    seller_id: str
    name: str
    region: Region  # type: ignore[valid-type]
    marketplace_ids: list[str]
