"""Deterministic demo orders: every status, FBA/FBM, business, gifts, promotions, taxes."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from skuport.sandbox.state import BY_ID, Listing, Order, OrderLine, SandboxState, Seller

STATUSES = [
    "SHIPPED",
    "UNSHIPPED",
    "PENDING",
    "SHIPPED",
    "PARTIALLY_SHIPPED",
    "CANCELLED",
    "PENDING_AVAILABILITY",
    "SHIPPED",
]
CENT = Decimal("0.01")
NA_TAX = {"US": Decimal("0.0825"), "CA": Decimal("0.13"), "MX": Decimal("0.16")}

ADDRESSES = {
    "US": ("Jane Doe", "1 Main St", "Seattle", "WA", "98101"),
    "CA": ("Luc Tremblay", "22 Rue Sainte-Catherine", "Montreal", "QC", "H2X 1Z6"),
    "MX": ("Ana Lopez", "Av. Reforma 100", "Ciudad de Mexico", "CDMX", "06600"),
    "GB": ("Oliver Smith", "10 Downing Lane", "London", "", "SW1A 2AA"),
    "DE": ("Jonas Weber", "Hauptstrasse 5", "Berlin", "", "10115"),
    "FR": ("Claire Martin", "12 Rue de Rivoli", "Paris", "", "75001"),
    "IT": ("Giulia Rossi", "Via Roma 3", "Milano", "MI", "20121"),
    "ES": ("Pablo Garcia", "Calle Mayor 7", "Madrid", "", "28013"),
    "CH": ("Lea Muller", "Bahnhofstrasse 1", "Zurich", "ZH", "8001"),
    "NO": ("Ola Nordmann", "Karl Johans gate 2", "Oslo", "", "0154"),
}
SHIP_TO = {
    "US": ["US"],
    "CA": ["CA"],
    "MX": ["MX"],
    "UK": ["GB", "GB", "NO"],
    "DE": ["DE", "DE", "CH"],
    "FR": ["FR", "FR", "DE"],
    "IT": ["IT"],
    "ES": ["ES", "FR"],
}


def money(value: Decimal) -> Decimal:
    """Round to cents."""
    return value.quantize(CENT)


def order_id(rng: random.Random, region: str) -> str:
    """An Amazon-style 3-7-7 order id."""
    prefix = rng.choice(["111", "112", "113", "114"] if region == "NA" else ["028", "203", "302"])
    return f"{prefix}-{rng.randint(0, 9999999):07d}-{rng.randint(0, 9999999):07d}"


def address(country: str, business: bool) -> dict[str, str]:
    """A recipient address in `country`."""
    name, line1, city, state, postal = ADDRESSES[country]
    result = {
        "name": name,
        "addressLine1": line1,
        "city": city,
        "postalCode": postal,
        "countryCode": country,
        "addressType": "COMMERCIAL" if business else "RESIDENTIAL",
    }
    if state:
        result["stateOrRegion"] = state
    if business:
        result["companyName"] = f"{name.split()[1]} GmbH" if country == "DE" else "Acme Corp"
    return result


def make_line(
    rng: random.Random, listing: Listing, marketplace_id: str, *, gift: bool, promo: bool
) -> OrderLine:
    """An order line priced from the listing's offer, with optional gift wrap and promotions."""
    market = BY_ID[marketplace_id]
    offer = listing.offers[marketplace_id]
    quantity = rng.choice([1, 1, 1, 2, 3])
    line = OrderLine(
        order_item_id=f"{rng.randint(10**13, 10**14 - 1)}",
        asin=listing.asin,
        sku=listing.sku,
        title=listing.title,
        quantity=quantity,
        unit_price=offer.price,
        shipping=money(Decimal("4.99") * quantity),
    )
    if gift:
        line.gift_wrap = Decimal("3.99")
    if promo:
        line.promotion_discount = money(offer.price * quantity * Decimal("0.10"))
        line.shipping_discount = line.shipping
        line.promotion_ids = [f"PROMO-{rng.randint(1000, 9999)}"]
    if market.taxed:
        rate = NA_TAX[market.country]
        line.item_tax = money(offer.price * quantity * rate)
        line.shipping_tax = money((line.shipping - line.shipping_discount) * rate)
        line.gift_wrap_tax = money(line.gift_wrap * rate)
    return line


def _lines(
    state: SandboxState,
    rng: random.Random,
    seller: Seller,
    marketplace_id: str,
    *,
    status: str,
    index: int,
    fba: bool,
) -> list[OrderLine]:
    """1-3 lines of the seller's priced listings, FBA or merchant-fulfilled as the order is."""
    listings = [
        listing
        for listing in state.listings.values()
        if listing.seller_id == seller.seller_id
        and marketplace_id in listing.offers
        and listing.offers[marketplace_id].price > 0
    ]
    pool = [
        lst for lst in listings if (lst.offers[marketplace_id].fulfillment != "DEFAULT") == fba
    ] or listings
    line_count = 2 if status == "PARTIALLY_SHIPPED" else rng.choice([1, 1, 2, 3])
    chosen = rng.sample(pool, min(line_count, len(pool)))
    lines = [
        make_line(rng, lst, marketplace_id, gift=index % 7 == 1, promo=index % 3 == 1)
        for lst in chosen
    ]
    if index % 9 == 8:
        lines[0].sku = None  # a SKU Amazon no longer knows (seed: "left blank")
    for line in lines:
        line.quantity_shipped = line.quantity if status == "SHIPPED" else 0
    if status == "PARTIALLY_SHIPPED":
        lines[0].quantity_shipped = lines[0].quantity
    return lines


def _buyer(rng: random.Random, country: str, index: int, business: bool) -> dict[str, str]:
    buyer = {"buyerName": ADDRESSES[country][0], "buyerEmail": f"buyer{index}@marketplace.amazon"}
    if business:
        buyer["buyerCompanyName"] = "Acme Corp"
        buyer["buyerPurchaseOrderNumber"] = f"PO-{rng.randint(10000, 99999)}"
    return buyer


def make_order(
    state: SandboxState,
    rng: random.Random,
    seller: Seller,
    marketplace_id: str,
    *,
    created: datetime,
    status: str,
    index: int,
) -> Order:
    """One order of `seller` in `marketplace_id` with the varied features the demo needs."""
    market = BY_ID[marketplace_id]
    fba = status in ("SHIPPED", "PENDING", "CANCELLED") and index % 3 == 0
    lines = _lines(state, rng, seller, marketplace_id, status=status, index=index, fba=fba)
    business = index % 5 == 3
    country = SHIP_TO[market.country][index % len(SHIP_TO[market.country])]
    programs = ["AMAZON_BUSINESS"] if business else []
    if index % 4 == 0:
        programs.append("PRIME")
    buyer = _buyer(rng, country, index, business)
    latest = state.clock.now() - timedelta(minutes=10)
    updated = min(created + timedelta(hours=rng.randint(1, 48)), latest)
    return Order(
        order_id=order_id(rng, seller.region),
        seller_id=seller.seller_id,
        marketplace_id=marketplace_id,
        created=created,
        last_updated=max(updated, created),
        status=status,
        fulfilled_by="AMAZON" if fba else "MERCHANT",
        service_level=rng.choice(["Standard", "Standard", "Expedited", "SecondDay"]),
        currency=market.currency,
        lines=lines,
        address=address(country, business),
        buyer=buyer,
        seller_order_id=f"SO-{index:05d}" if index % 2 else None,
        programs=programs,
    )


def build_orders(state: SandboxState, rng: random.Random, seller: Seller, scale: int) -> None:
    """`8 * scale` orders per marketplace spread over the last 30 days."""
    now = state.clock.now()
    index = 0
    for marketplace_id in seller.marketplace_ids:
        count = 8 * scale
        for n in range(count):
            created = now - timedelta(days=30) + timedelta(minutes=int(n * 30 * 24 * 60 / count))
            created += timedelta(seconds=rng.randint(0, 3000))
            status = STATUSES[n % len(STATUSES)]
            if status in ("PENDING", "PENDING_AVAILABILITY", "UNSHIPPED"):
                created = now - timedelta(hours=rng.randint(1, 30))
            order = make_order(
                state, rng, seller, marketplace_id, created=created, status=status, index=index
            )
            state.orders[order.order_id] = order
            index += 1
