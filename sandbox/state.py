"""Everything the sandbox Amazon remembers: sellers, catalog, listings, orders, feeds, money."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from skuport.sandbox.clock import SandboxClock
from skuport.sandbox.roles import ALL_ROLES


@dataclass(frozen=True)
class Marketplace:
    """An Amazon country site."""

    id: str
    country: str
    name: str
    currency: str
    language: str
    domain: str
    in_eu: bool
    taxed: bool


MARKETPLACES: dict[str, Marketplace] = {
    m.country: m
    for m in (
        Marketplace(
            "ATVPDKIKX0DER", "US", "Amazon.com", "USD", "en_US", "www.amazon.com", False, True
        ),
        Marketplace(
            "A2EUQ1WTGCTBG2", "CA", "Amazon.ca", "CAD", "en_CA", "www.amazon.ca", False, True
        ),
        Marketplace(
            "A1AM78C64UM0Y8",
            "MX",
            "Amazon.com.mx",
            "MXN",
            "es_MX",
            "www.amazon.com.mx",
            False,
            True,
        ),
        Marketplace(
            "A1F83G8C2ARO7P", "UK", "Amazon.co.uk", "GBP", "en_GB", "www.amazon.co.uk", False, False
        ),
        Marketplace(
            "A1PA6795UKMFR9", "DE", "Amazon.de", "EUR", "de_DE", "www.amazon.de", True, False
        ),
        Marketplace(
            "A13V1IB3VIYZZH", "FR", "Amazon.fr", "EUR", "fr_FR", "www.amazon.fr", True, False
        ),
        Marketplace(
            "APJ6JRA9NG5V4", "IT", "Amazon.it", "EUR", "it_IT", "www.amazon.it", True, False
        ),
        Marketplace(
            "A1RKKUPIHCS9HS", "ES", "Amazon.es", "EUR", "es_ES", "www.amazon.es", True, False
        ),
        Marketplace(
            "A1VC38T7YXB528", "JP", "Amazon.co.jp", "JPY", "ja_JP", "www.amazon.co.jp", False, False
        ),
    )
}
BY_ID: dict[str, Marketplace] = {m.id: m for m in MARKETPLACES.values()}
WHOLE_CURRENCIES = frozenset({"JPY"})  # amounts without decimals


def amount_text(amount: Decimal, currency: str) -> str:
    """An amount as Amazon writes it: whole yen, two decimals elsewhere."""
    return f"{amount:.0f}" if currency in WHOLE_CURRENCIES else f"{amount:.2f}"


@dataclass
class Seller:
    """An authorised seller: its app credentials, refresh token and marketplaces."""

    seller_id: str
    name: str
    region: str
    client_id: str
    client_secret: str
    refresh_token: str
    marketplace_ids: list[str]
    approved_brands: set[str] = field(default_factory=set)
    # The roles of the seller's SP-API application (sandbox/roles.py); every role by default.
    roles: set[str] = field(default_factory=lambda: set(ALL_ROLES))


@dataclass
class Product:
    """A catalog item (ASIN), possibly a variation parent or child."""

    asin: str
    title: str
    brand: str
    product_type: str
    classification: str  # BASE_PRODUCT or VARIATION_PARENT
    browse_path: list[tuple[str, str]]
    identifiers: list[tuple[str, str]] = field(default_factory=list)
    parent_asin: str | None = None
    child_asins: list[str] = field(default_factory=list)
    variation_theme: list[str] = field(default_factory=list)
    variation_values: dict[str, str] = field(default_factory=dict)
    restricted_brand: bool = False
    titles: dict[str, str] = field(default_factory=dict)  # per marketplace, else `title`
    weight_kg: Decimal = Decimal("0.5")
    size_cm: tuple[Decimal, Decimal, Decimal] = (Decimal(20), Decimal(15), Decimal(5))

    def title_in(self, marketplace_id: str) -> str:
        """The product's title on one marketplace."""
        return self.titles.get(marketplace_id, self.title)


@dataclass
class Offer:
    """A listing's offer in one marketplace."""

    price: Decimal
    quantity: int
    fulfillment: str = "DEFAULT"  # DEFAULT = merchant, AMAZON_NA / AMAZON_EU = FBA
    status: list[str] = field(default_factory=lambda: ["BUYABLE", "DISCOVERABLE"])
    created: datetime | None = None
    updated: datetime | None = None
    issues: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Listing:
    """A seller SKU and its offers per marketplace."""

    seller_id: str
    sku: str
    asin: str
    product_type: str
    title: str
    condition: str = "new_new"
    offers: dict[str, Offer] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    canceled: bool = False
    titles: dict[str, str] = field(default_factory=dict)  # per marketplace, else `title`

    def title_in(self, marketplace_id: str) -> str:
        """The listing's title on one marketplace."""
        return self.titles.get(marketplace_id, self.title)


@dataclass
class OrderLine:
    """One order line with its money (line totals, Decimal, marketplace currency)."""

    order_item_id: str
    asin: str
    sku: str | None
    title: str
    quantity: int
    unit_price: Decimal
    shipping: Decimal = Decimal(0)
    gift_wrap: Decimal = Decimal(0)
    item_tax: Decimal = Decimal(0)
    shipping_tax: Decimal = Decimal(0)
    gift_wrap_tax: Decimal = Decimal(0)
    promotion_discount: Decimal = Decimal(0)
    shipping_discount: Decimal = Decimal(0)
    promotion_ids: list[str] = field(default_factory=list)
    quantity_shipped: int = 0


@dataclass
class Order:
    """An order as the sandbox holds it; rendered in Orders 2026 or report shape on demand."""

    order_id: str
    seller_id: str
    marketplace_id: str
    created: datetime
    last_updated: datetime
    status: str  # Orders 2026 FulfillmentStatus
    fulfilled_by: str  # MERCHANT or AMAZON
    service_level: str
    currency: str
    lines: list[OrderLine]
    address: dict[str, str]
    buyer: dict[str, str]
    seller_order_id: str | None = None
    programs: list[str] = field(default_factory=list)
    packages: list[dict[str, Any]] = field(default_factory=list)
    malformed: bool = False


@dataclass
class Document:
    """A stored document (feed input, feed result or report) served at a presigned URL."""

    document_id: str
    content_type: str
    content: bytes = b""
    gzip: bool = False


@dataclass
class Job:
    """A feed or report moving IN_QUEUE -> IN_PROGRESS -> DONE/FATAL in virtual time."""

    job_id: str
    seller_id: str
    kind: str  # feed or report
    type: str
    marketplace_ids: list[str]
    created: datetime
    starts: datetime
    ends: datetime
    status: str = "IN_QUEUE"
    input_document_id: str | None = None
    result_document_id: str | None = None
    data_start: datetime | None = None
    data_end: datetime | None = None
    schedule_id: str | None = None


@dataclass
class Schedule:
    """A report schedule: a new report of `type` every `period`."""

    schedule_id: str
    seller_id: str
    type: str
    marketplace_ids: list[str]
    period: str
    next_time: datetime


@dataclass
class PendingListingChange:
    """A put/patch/delete accepted but applied only after the listing delay."""

    due: datetime
    seller_id: str
    sku: str
    apply: Any  # callable(state) -> None


@dataclass
class EventGroup:
    """A payout and its v0 financial events (already in Amazon's JSON shape)."""

    group_id: str
    seller_id: str
    currency: str
    start: datetime
    end: datetime | None
    closed: bool
    beginning_balance: Decimal
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    transactions: list[dict[str, Any]] = field(default_factory=list)
    total: Decimal = Decimal(0)


@dataclass
class Settings:
    """Knobs the control API changes: processing delays and forced failures."""

    feed_delay: timedelta = timedelta(minutes=5)
    report_delay: timedelta = timedelta(minutes=3)
    listing_delay: timedelta = timedelta(minutes=2)
    feed_failure: str | None = None  # None, "FATAL"
    token_lifetime: int = 3600
    # How far Amazon's clock is behind the shared clock (a seller's server running ahead).
    clock_skew: timedelta = timedelta(0)
    # Operations whose pages hand back the same next token forever (a paging loop).
    looping_pages: set[str] = field(default_factory=set)
    # Report documents as EU and JP sellers get them: their charset, and extra columns first.
    report_charset: str = "utf-8"
    report_extra_columns: bool = False


@dataclass
class SandboxState:
    """The whole fake Amazon."""

    clock: SandboxClock
    seed: int
    sellers: dict[str, Seller] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    listings: dict[tuple[str, str], Listing] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    schedules: dict[str, Schedule] = field(default_factory=dict)
    pending: list[PendingListingChange] = field(default_factory=list)
    groups: dict[str, EventGroup] = field(default_factory=dict)
    # Customer returns staged through the control API (sandbox.returns_state.CustomerReturn).
    returns: list[Any] = field(default_factory=list)
    access_tokens: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    page_tokens: dict[str, Any] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)
    counter: int = 0

    def amazon_now(self) -> datetime:
        """Amazon's clock: the shared clock less the staged skew."""
        return self.clock.now() - self.settings.clock_skew

    def next_id(self, prefix: str = "") -> str:
        """A fresh, deterministic identifier."""
        self.counter += 1
        return f"{prefix}{self.counter:08d}"

    def seller_orders(self, seller_id: str) -> list[Order]:
        """A seller's orders, oldest first."""
        return sorted(
            (o for o in self.orders.values() if o.seller_id == seller_id),
            key=lambda o: (o.created, o.order_id),
        )
