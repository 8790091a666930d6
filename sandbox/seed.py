"""Deterministic demo data from a seed: two sellers, a varied catalog and their listings."""

from __future__ import annotations

import random
import string
from datetime import timedelta
from decimal import Decimal

from skuport.sandbox.clock import SandboxClock
from skuport.sandbox.state import MARKETPLACES, Listing, Offer, Product, SandboxState, Seller

SIZES = {"tiny": 1, "demo": 3, "large": 30}

COLORS = ["Black", "White", "Red", "Blue", "Green"]
SIZES_APPAREL = ["S", "M", "L", "XL"]
STYLES = ["Classic", "Sport"]
NOUNS = ["Water Bottle", "Desk Lamp", "Yoga Mat", "Phone Stand", "Backpack", "Kettle", "Mug"]
BRANDS = ["Northwind", "Contoso", "Fabrikam", "Tailspin"]
RESTRICTED_BRAND = "Lumina Premium"
BROWSE = [
    ("Home & Kitchen", "1055398"),
    ("Sports & Outdoors", "3375251"),
    ("Clothing", "7141123011"),
    ("Books", "283155"),
]


def _token(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def make_seller(rng: random.Random, name: str, region: str, countries: list[str]) -> Seller:
    """A seller with credentials shaped like Amazon's."""
    upper = string.ascii_uppercase + string.digits
    return Seller(
        seller_id="A" + _token(rng, upper, 13),
        name=name,
        region=region,
        client_id="amzn1.application-oa2-client." + _token(rng, "0123456789abcdef", 32),
        client_secret="amzn1.oa2-cs.v1." + _token(rng, "0123456789abcdef", 64),
        refresh_token="Atzr|" + _token(rng, string.ascii_letters + string.digits, 60),
        marketplace_ids=[MARKETPLACES[c].id for c in countries],
    )


def _asin(rng: random.Random) -> str:
    return "B0" + _token(rng, string.ascii_uppercase + string.digits, 8)


def _gtin(rng: random.Random, length: int) -> str:
    digits = [rng.randint(0, 9) for _ in range(length - 1)]
    weights = [3 if (length - 1 - i) % 2 == 0 else 1 for i in range(length - 1)]
    check = (10 - sum(d * w for d, w in zip(digits, weights, strict=True)) % 10) % 10
    return "".join(map(str, digits)) + str(check)


def _simple_products(state: SandboxState, rng: random.Random, count: int) -> None:
    """Home products with a UPC and an EAN; the first is of the restricted brand."""
    for n in range(count):
        brand = RESTRICTED_BRAND if n == 0 else rng.choice(BRANDS)
        noun = NOUNS[n % len(NOUNS)]
        product = Product(
            asin=_asin(rng),
            title=f"{brand} {noun} {n + 1}",
            brand=brand,
            product_type="HOME",
            classification="BASE_PRODUCT",
            browse_path=[BROWSE[0]],
            identifiers=[("UPC", _gtin(rng, 12)), ("EAN", _gtin(rng, 13))],
            restricted_brand=brand == RESTRICTED_BRAND,
            weight_kg=Decimal(rng.randint(1, 40)) / 10,
        )
        state.products[product.asin] = product


def _variation_families(state: SandboxState, rng: random.Random, count: int) -> None:
    """Shirt families varying by color, size and color, or size, color and style."""
    themes = [["color"], ["size", "color"], ["size", "color", "style"]]
    values = {"color": COLORS[:3], "size": SIZES_APPAREL[:2], "style": STYLES}
    for n in range(count):
        theme = themes[n % 3]
        brand = rng.choice(BRANDS)
        parent = Product(
            asin=_asin(rng),
            title=f"{brand} Performance Shirt {n + 1}",
            brand=brand,
            product_type="SHIRT",
            classification="VARIATION_PARENT",
            browse_path=[BROWSE[2]],
            variation_theme=theme,
        )
        state.products[parent.asin] = parent
        combos: list[dict[str, str]] = [{}]
        for attribute in theme:
            combos = [{**c, attribute: v} for c in combos for v in values[attribute]]
        for combo in combos:
            child = Product(
                asin=_asin(rng),
                title=f"{parent.title} - " + ", ".join(combo.values()),
                brand=brand,
                product_type="SHIRT",
                classification="BASE_PRODUCT",
                browse_path=[BROWSE[2]],
                identifiers=[("EAN", _gtin(rng, 13))],
                parent_asin=parent.asin,
                variation_values=combo,
            )
            parent.child_asins.append(child.asin)
            state.products[child.asin] = child


def _books(state: SandboxState, rng: random.Random, count: int) -> None:
    """Books known only by ISBN; every other one has its ISBN-10 as ASIN."""
    for n in range(count):
        isbn = "978" + _gtin(rng, 10)
        book = Product(
            asin=isbn[3:12] + "X" if n % 2 else _asin(rng),
            title=f"The Quiet Warehouse, Volume {n + 1}",
            brand="Harbor Press",
            product_type="ABIS_BOOK",
            classification="BASE_PRODUCT",
            browse_path=[BROWSE[3]],
            identifiers=[("ISBN", isbn)],
        )
        state.products[book.asin] = book


def build_catalog(state: SandboxState, rng: random.Random, scale: int) -> None:
    """Simple products (UPC+EAN), variation families of 1-3 themes, ISBN-only books."""
    _simple_products(state, rng, 4 * scale)
    _variation_families(state, rng, 3 * scale)
    _books(state, rng, 2 * scale)


def build_listings(state: SandboxState, rng: random.Random, seller: Seller) -> None:
    """List most sellable products in every marketplace of the seller; some via FBA."""
    sellable = [p for p in state.products.values() if p.classification == "BASE_PRODUCT"]
    parents = [p for p in state.products.values() if p.classification == "VARIATION_PARENT"]
    fba_code = "AMAZON_NA" if seller.region == "NA" else "AMAZON_EU"
    now = state.clock.now()
    for index, product in enumerate(sellable):
        if index % 7 == 6:
            continue  # in the catalog, not sold by this seller
        sku = f"{seller.region}-{product.product_type[:4]}-{index + 1:04d}"
        listing = Listing(seller.seller_id, sku, product.asin, product.product_type, product.title)
        for marketplace_id in seller.marketplace_ids:
            price = Decimal(rng.randint(899, 8999)) / 100
            fulfillment = fba_code if index % 5 == 4 else "DEFAULT"
            listing.offers[marketplace_id] = Offer(
                price=price,
                quantity=rng.randint(0, 40),
                fulfillment=fulfillment,
                created=now - timedelta(days=365),
                updated=now - timedelta(days=30),
            )
        state.listings[(seller.seller_id, sku)] = listing
    for index, parent in enumerate(parents):
        sku = f"{seller.region}-PARENT-{index + 1:03d}"
        listing = Listing(seller.seller_id, sku, parent.asin, parent.product_type, parent.title)
        for marketplace_id in seller.marketplace_ids:
            listing.offers[marketplace_id] = Offer(
                price=Decimal(0),
                quantity=0,
                status=["DISCOVERABLE"],
                created=now - timedelta(days=365),
                updated=now - timedelta(days=30),
            )
        state.listings[(seller.seller_id, sku)] = listing


def build_state(seed: int, size: str = "demo", clock: SandboxClock | None = None) -> SandboxState:
    """The full seeded sandbox: sellers, catalog, listings, orders and payouts."""
    from skuport.sandbox.ledger import build_payouts
    from skuport.sandbox.seed_orders import build_orders

    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}")
    rng = random.Random(seed)
    clock = clock or SandboxClock()
    # Build on a clock frozen at the current virtual time, so a running clock cannot leak
    # microseconds of build time into the data: same seed, same data.
    state = SandboxState(clock=SandboxClock(clock.origin()), seed=seed)
    sellers = [
        make_seller(rng, "Northwind Traders NA", "NA", ["US", "CA", "MX"]),
        make_seller(rng, "Northwind Traders EU", "EU", ["UK", "DE", "FR", "IT", "ES"]),
    ]
    for seller in sellers:
        state.sellers[seller.seller_id] = seller
    build_catalog(state, rng, SIZES[size])
    for seller in sellers:
        build_listings(state, rng, seller)
        build_orders(state, rng, seller, SIZES[size])
        build_payouts(state, seller)
    state.clock = clock
    return state
