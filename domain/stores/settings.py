"""Store settings (ST-5 … ST-7): one typed object, every value checked before it is saved."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidValue, PriceTierConflict
from skuport.domain.inventory.records import refuse_archived
from skuport.domain.inventory.reference.models import (
    Account,
    AccountKind,
    Customer,
    PriceTier,
    TaxRule,
)
from skuport.domain.inventory.stock.models import Location
from skuport.domain.stores.events import StockLevelsWanted
from skuport.domain.stores.models import (
    Consolidation,
    FulfilmentMode,
    InvoiceStatusSetting,
    LoadOrdersWhen,
    MatchProducts,
    Region,
    SalesRepresentative,
    Store,
    StoreCountryTaxRule,
    StoreMarketplace,
    StoreSettings,
)
from skuport.domain.stores.service import get_store
from skuport.domain.stores.tax_mapping import check_tax_mapping, wrong_kind_of_rules
from skuport.domain.unit_of_work import record

MIN_DOWNLOAD_MINUTES = 5  # searchOrders refills one call per ~3 minutes; leave room for paging


@dataclass(frozen=True)
class SettingsChange:
    """The settings to change; a field left as None keeps its value (use `clear` to unset)."""

    load_orders_when: LoadOrdersWhen | None = None
    consolidation: Consolidation | None = None
    consolidation_time: time | None = None
    timezone: str | None = None
    order_download_minutes: int | None = None
    customer_id: int | None = None
    fbm_location_id: int | None = None
    process_fba_orders: bool | None = None
    fba_location_id: int | None = None
    fulfilment_mode: FulfilmentMode | None = None
    invoice_status: InvoiceStatusSetting | None = None
    revenue_account_id: int | None = None
    sales_representative: SalesRepresentative | None = None
    match_products: MatchProducts | None = None
    create_product_if_not_found: bool | None = None
    amazon_is_master: bool | None = None
    update_stock_levels: bool | None = None
    line_tax_rule_id: int | None = None
    charge_tax_rule_id: int | None = None
    tax_free_rule_id: int | None = None
    payment_account_id: int | None = None
    returns_location_id: int | None = None
    unsellable_location_id: int | None = None
    confirm_returns_manually: bool | None = None
    # The whole list of destination-country rules, replacing the saved one: a mapping or
    # (country code, tax rule id) pairs; each country at most once, in any letter case.
    country_tax_rules: Mapping[str, int] | Sequence[tuple[str, int]] | None = None
    # Names of optional references to set back to "none" (e.g. fbm_location_id = all locations).
    clear: frozenset[str] = frozenset()


CLEARABLE = frozenset(
    {"customer_id", "fbm_location_id", "fba_location_id", "revenue_account_id",
     "line_tax_rule_id", "charge_tax_rule_id", "tax_free_rule_id", "payment_account_id",
     "returns_location_id", "unsellable_location_id"}
)  # fmt: skip

_REFERENCES: dict[str, tuple[type, str]] = {
    "customer_id": (Customer, "customer"),
    "fbm_location_id": (Location, "location"),
    "fba_location_id": (Location, "location"),
    "returns_location_id": (Location, "location"),
    "unsellable_location_id": (Location, "location"),
    "revenue_account_id": (Account, "account"),
    "payment_account_id": (Account, "account"),
    "line_tax_rule_id": (TaxRule, "tax rule"),
    "charge_tax_rule_id": (TaxRule, "tax rule"),
    "tax_free_rule_id": (TaxRule, "tax rule"),
}


async def _check_reference(
    session: AsyncSession, name: str, value: int, *, current: int | None
) -> None:
    model, what = _REFERENCES[name]
    record = await session.get(model, value)
    if record is None:
        raise InvalidValue(name, f"no {what} with id {value}")
    if value != current:
        refuse_archived(record, field=name)
    if name == "revenue_account_id" and record.kind is not AccountKind.REVENUE:
        raise InvalidValue(name, f"account {record.code} is not a revenue account")
    if name == "payment_account_id" and record.kind is not AccountKind.BANK:
        raise InvalidValue(name, f"account {record.code} cannot receive payments")
    if name == "tax_free_rule_id" and not record.tax_free:
        raise InvalidValue(name, f"tax rule {record.name!r} is not tax free")


async def update_settings(
    session: AsyncSession, *, store_id: int, change: SettingsChange
) -> StoreSettings:
    """Apply `change` to the store's settings, or refuse it whole with the field at fault."""
    store = await get_store(session, store_id=store_id)
    settings = store.settings
    unknown = change.clear - CLEARABLE
    if unknown:
        raise InvalidValue(sorted(unknown)[0], "this setting cannot be cleared")
    values: dict[str, Any] = {
        f.name: getattr(change, f.name)
        for f in fields(change)
        if f.name not in ("clear", "country_tax_rules") and getattr(change, f.name) is not None
    }
    for name in values.keys() & _REFERENCES.keys():
        await _check_reference(session, name, values[name], current=getattr(settings, name))
    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidValue("timezone", f"unknown time zone {values['timezone']!r}") from None
    minutes = values.get("order_download_minutes")
    if minutes is not None and not MIN_DOWNLOAD_MINUTES <= minutes <= 24 * 60:
        raise InvalidValue(
            "order_download_minutes",
            f"must be between {MIN_DOWNLOAD_MINUTES} and 1440 minutes, not {minutes}",
        )
    # Validate the result as a whole, so no combination of changes leaves it inconsistent.
    merged = {c.name: getattr(settings, c.name) for c in StoreSettings.__table__.columns}
    merged.update(values)
    for name in change.clear:
        merged[name] = None
    if merged["process_fba_orders"] and merged["fba_location_id"] is None:
        raise InvalidValue(
            "fba_location_id",
            "choose a location for Amazon-fulfilled orders, or do not process them",
        )
    if merged["create_product_if_not_found"] and merged["match_products"] is MatchProducts.MANUAL:
        raise InvalidValue(
            "create_product_if_not_found", "products can only be created when matching BY_SKU"
        )
    rules = None
    if change.country_tax_rules is not None:
        rules = await _country_rules(session, store, change.country_tax_rules)
    await check_tax_mapping(session, region=store.region, merged=merged, country_rules=rules)
    if merged["update_stock_levels"] and not settings.update_stock_levels:
        # SY-1: switched on, the store's quantities go to Amazon now, not at the next run.
        record(session, StockLevelsWanted(store_id))
    for name, value in merged.items():
        if name != "store_id":
            setattr(settings, name, value)
    if rules is not None:
        _replace_country_rules(settings, rules)
    await session.flush()
    return settings


async def _country_rules(
    session: AsyncSession, store: Store, given: Mapping[str, int] | Sequence[tuple[str, int]]
) -> dict[str, int]:
    """The destination-country rules sent, by upper-case country code, each one checked."""
    pairs = list(given.items()) if isinstance(given, Mapping) else list(given)
    if store.region is not Region.EU and pairs:
        raise InvalidValue("country_tax_rules", "destination-country rules are for EU stores")
    saved = {row.country_code: row.tax_rule_id for row in store.settings.country_tax_rules}
    rules: dict[str, int] = {}
    for country, rule_id in pairs:
        code = country.strip().upper()
        if len(code) != 2 or not code.isalpha():
            raise InvalidValue("country_tax_rules", f"{country!r} is not a country code")
        if code in rules:
            raise InvalidValue("country_tax_rules", f"{code} is listed more than once")
        rule = await session.get(TaxRule, rule_id)
        if rule is None:
            raise InvalidValue("country_tax_rules", f"no tax rule with id {rule_id}")
        if rule_id != saved.get(code):
            refuse_archived(rule, field="country_tax_rules")
        rules[code] = rule_id
    return rules


def _replace_country_rules(settings: StoreSettings, rules: dict[str, int]) -> None:
    """Make the saved rules exactly `rules`: a country already mapped keeps its row (its rule
    changed in place), so no new row for it is inserted before the old one is deleted."""
    saved = {row.country_code: row for row in settings.country_tax_rules}
    rows = []
    for country, rule_id in sorted(rules.items()):
        row = saved.get(country) or StoreCountryTaxRule(country_code=country)
        row.tax_rule_id = rule_id
        rows.append(row)
    settings.country_tax_rules = rows


def tax_mapping_gaps(store: Store) -> list[str]:
    """ST-6: what the tax mapping still lacks; orders are skipped at download until it is empty."""
    settings = store.settings
    gaps = []
    if settings.line_tax_rule_id is None:
        gaps.append("default tax rule for lines")
    # EU charges take the destination country's rule (OR-6), so only NA stores need this one.
    if store.region is not Region.EU and settings.charge_tax_rule_id is None:
        gaps.append("default tax rule for additional charges")
    gaps += wrong_kind_of_rules(store)
    if store.region is Region.EU:
        mapped = {rule.country_code for rule in settings.country_tax_rules}
        for entry in store.marketplaces:
            country = entry.marketplace.country_code
            if entry.enabled and country not in mapped:
                gaps.append(f"tax rule for destination {country}")
    elif settings.tax_free_rule_id is None:
        gaps.append("tax-free rule")
    return gaps


async def set_marketplace(
    session: AsyncSession,
    *,
    store_id: int,
    marketplace_id: str,
    enabled: bool | None = None,
    price_tier_id: int | None = None,
    clear_price_tier: bool = False,
) -> StoreMarketplace:
    """Turn a marketplace on or off, and choose its price tier (ST-5, ST-7)."""
    store = await get_store(session, store_id=store_id)
    entry = next((m for m in store.marketplaces if m.marketplace_id == marketplace_id), None)
    if entry is None:
        raise InvalidValue(
            "marketplace_id", f"the store does not sell in marketplace {marketplace_id}"
        )
    if price_tier_id is not None:
        await _check_price_tier(session, entry, price_tier_id)
        entry.price_tier_id = price_tier_id
    if clear_price_tier:
        entry.price_tier_id = None
    if enabled is not None:
        entry.enabled = enabled
    await session.flush()
    return entry


async def _check_price_tier(session: AsyncSession, entry: StoreMarketplace, tier_id: int) -> None:
    tier = await session.get(PriceTier, tier_id)
    if tier is None:
        raise InvalidValue("price_tier_id", f"no price tier with id {tier_id}")
    if tier_id != entry.price_tier_id:
        refuse_archived(tier, field="price_tier_id")
    currency = entry.marketplace.currency
    if tier.currency != currency:
        raise PriceTierConflict(
            "price_tier_id",
            f"price tier {tier.name!r} is in {tier.currency}, but {entry.marketplace.name} "
            f"sells in {currency}",
        )
    users = await session.scalars(
        select(StoreMarketplace).where(
            StoreMarketplace.price_tier_id == tier_id, StoreMarketplace.id != entry.id
        )
    )
    for other in users:
        if other.marketplace.currency != currency:
            raise PriceTierConflict(
                "price_tier_id",
                f"price tier {tier.name!r} already serves {other.marketplace.name} in "
                f"{other.marketplace.currency}; use one price tier per currency",
            )
