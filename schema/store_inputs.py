"""The stores' mutation inputs and results, and settings input parsed for the domain."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Annotated

import strawberry

from skuport.domain.stores.settings import SettingsChange
from skuport.schema.errors import (
    ConnectionFailed,
    DuplicateName,
    InvalidInput,
    NotFound,
    PriceTierConflict,
    api_field,
)
from skuport.schema.ids import is_id
from skuport.schema.store_types import (
    CHARGE_RULE,
    CONFIRM_RETURNS,
    COUNTRY_RULES,
    LINE_RULE,
    RETURNS_LOCATION,
    TAX_FREE_RULE,
    UNSELLABLE_LOCATION,
    Consolidation,
    FulfilmentMode,
    InvoiceStatusSetting,
    LoadOrdersWhen,
    MatchProducts,
    Region,
    SalesRepresentative,
    Store,
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
    line_tax_rule_id: strawberry.ID | None = strawberry.field(default=None, description=LINE_RULE)
    charge_tax_rule_id: strawberry.ID | None = strawberry.field(
        default=None, description=CHARGE_RULE
    )
    tax_free_rule_id: strawberry.ID | None = strawberry.field(
        default=None, description=TAX_FREE_RULE
    )
    payment_account_id: strawberry.ID | None = None
    country_tax_rules: list[CountryTaxRuleInput] | None = strawberry.field(
        default=None, description=COUNTRY_RULES
    )
    returns_location_id: strawberry.ID | None = strawberry.field(
        default=None, description=RETURNS_LOCATION
    )
    unsellable_location_id: strawberry.ID | None = strawberry.field(
        default=None, description=UNSELLABLE_LOCATION
    )
    confirm_returns_manually: bool | None = strawberry.field(
        default=None, description=CONFIRM_RETURNS
    )
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


@strawberry.type(description="The store is disconnected; what happened to its orders.")
class StoreDisconnected:
    id: strawberry.ID
    pending_orders_released: int = strawberry.field(
        description="Orders that were waiting to become sales and are dropped: the stock "
        "allocated to them is available again. Connecting this seller account again "
        "downloads them anew."
    )
    units_released: Decimal = strawberry.field(
        description="Units of stock those orders held, now available again."
    )
    captured_orders_remembered: int = strawberry.field(
        description="Orders already turned into sales (or cancelled), remembered for this "
        "seller account: connecting it again shows them in the log and never downloads them "
        "as new orders."
    )


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
    "returns_location_id", "unsellable_location_id",
}  # fmt: skip


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def settings_change(data: StoreSettingsInput) -> SettingsChange:
    """The domain's change object from the API input (IDs parsed, names snake-cased)."""
    values: dict[str, object] = {}
    for name in SettingsChange.__dataclass_fields__:
        if name in ("clear", "country_tax_rules"):
            continue
        value = getattr(data, name)  # every setting the domain takes is in the input
        if value is not None and name in _ID_FIELDS:
            if not is_id(value):
                raise BadId(name, str(value))
            value = int(value)
        values[name] = value
    rules = None
    if data.country_tax_rules is not None:
        rules = []
        for rule in data.country_tax_rules:
            if not is_id(rule.tax_rule_id):
                raise BadId("country_tax_rules", str(rule.tax_rule_id))
            rules.append((rule.country_code, int(rule.tax_rule_id)))
    return SettingsChange(
        **values, country_tax_rules=rules, clear=frozenset(_snake(c) for c in data.clear)
    )


class BadId(ValueError):
    def __init__(self, field: str, value: str) -> None:
        super().__init__(f"{value!r} is not an id")
        self.field = api_field(field)
