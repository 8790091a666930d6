"""Staging sellers, listings and variation families through the control API.

`POST /_sandbox/sellers` adds a seller (e.g. a Japanese one, for yen orders);
`POST /_sandbox/listings` lists a SKU with per-marketplace offers, fulfilment channels and titles;
`POST /_sandbox/families` adds a variation family with any number of themes. What is staged here
is served by the listings report, listings items and catalog items like seeded data.
"""

from __future__ import annotations

import random
import string
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from skuport.sandbox.api_listings import render_listing
from skuport.sandbox.control import seller_credentials
from skuport.sandbox.control_orders import amount, refuse
from skuport.sandbox.http import ApiError, state_of
from skuport.sandbox.seed import make_seller
from skuport.sandbox.state import (
    BY_ID,
    MARKETPLACES,
    Listing,
    Offer,
    Product,
    SandboxState,
    Seller,
)

REGIONS = {"US": "NA", "CA": "NA", "MX": "NA", "JP": "FE"}
LISTING_DATA = {"summaries", "attributes", "issues", "offers", "fulfillmentAvailability"}


def _region(country: str) -> str:
    return REGIONS.get(country, "EU")


def add_seller(state: SandboxState, body: dict[str, Any]) -> Seller:
    """A new authorised seller selling in `countries` of one region."""
    countries = [str(c) for c in body.get("countries") or []]
    region = str(body.get("region") or (countries and _region(countries[0])) or "")
    if not countries or any(c not in MARKETPLACES for c in countries):
        raise refuse(f"countries must be among {', '.join(MARKETPLACES)}")
    if any(_region(c) != region for c in countries):
        raise refuse(f"every country must be in the {region} region")
    rng = random.Random(f"{state.seed}-seller-{state.next_id()}")
    seller = make_seller(rng, str(body.get("name") or f"Seller {region}"), region, countries)
    state.sellers[seller.seller_id] = seller
    return seller


def _seller(state: SandboxState, body: dict[str, Any]) -> Seller:
    seller = state.sellers.get(str(body.get("sellerId")))
    if seller is None:
        raise refuse("unknown sellerId", 404)
    return seller


def new_asin(state: SandboxState) -> str:
    """A fresh ASIN nobody uses yet."""
    rng = random.Random(f"{state.seed}-asin-{state.next_id()}")
    while True:
        asin = "B0" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(8))
        if asin not in state.products:
            return asin


def _titles(seller: Seller, body: dict[str, Any]) -> dict[str, str]:
    titles = {str(k): str(v) for k, v in (body.get("titles") or {}).items()}
    unknown = set(titles) - set(seller.marketplace_ids)
    if unknown:
        raise refuse(f"titles for marketplaces the seller does not sell on: {sorted(unknown)}")
    return titles


def _offers(state: SandboxState, seller: Seller, specs: Any) -> dict[str, Offer]:
    """Offers per marketplace: price, quantity and channel (DEFAULT or AMAZON_*)."""
    if not isinstance(specs, list) or not specs:
        raise refuse("offers must list at least one marketplace")
    now = state.clock.now()
    offers: dict[str, Offer] = {}
    for n, spec in enumerate(specs):
        marketplace_id = str(spec.get("marketplaceId"))
        if marketplace_id not in seller.marketplace_ids:
            raise refuse(f"offers[{n}]: the seller does not sell on {marketplace_id}")
        channel = str(spec.get("fulfillment") or "DEFAULT")
        if channel != "DEFAULT" and not channel.startswith("AMAZON_"):
            raise refuse(f"offers[{n}].fulfillment must be DEFAULT or AMAZON_NA/AMAZON_EU/…")
        quantity = spec.get("quantity", 0)
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
            raise refuse(f"offers[{n}].quantity must be a whole number")
        currency = BY_ID[marketplace_id].currency
        offers[marketplace_id] = Offer(
            price=amount(spec.get("price", 0), f"offers[{n}].price", currency),
            quantity=quantity,
            fulfillment=channel,
            created=now,
            updated=now,
        )
    return offers


def _product(state: SandboxState, seller: Seller, body: dict[str, Any], **extra: Any) -> Product:
    """The catalog item a listing or family member sells: an existing ASIN or a new one."""
    asin = body.get("asin")
    if asin and asin in state.products:
        return state.products[str(asin)]
    title = str(body.get("title") or f"Item {body.get('sku')}")
    product = Product(
        asin=str(asin or new_asin(state)),
        title=title,
        brand=str(body.get("brand") or "Northwind"),
        product_type=str(body.get("productType") or "HOME"),
        classification="BASE_PRODUCT",
        browse_path=[("Home & Kitchen", "1055398")],
        identifiers=[(str(i["type"]), str(i["value"])) for i in body.get("identifiers") or []],
        titles=_titles(seller, body),
        **extra,
    )
    state.products[product.asin] = product
    return product


def add_listing(
    state: SandboxState, seller: Seller, body: dict[str, Any], product: Product
) -> Listing:
    """List `body["sku"]` for `product` with its offers and per-marketplace titles."""
    sku = str(body.get("sku") or "")
    if not sku:
        raise refuse("sku is required")
    if (seller.seller_id, sku) in state.listings:
        raise refuse(f"{sku} is already listed", 409)
    listing = Listing(
        seller.seller_id,
        sku,
        product.asin,
        product.product_type,
        str(body.get("title") or product.title),
        offers=_offers(state, seller, body.get("offers")),
        titles=_titles(seller, body),
    )
    state.listings[(seller.seller_id, sku)] = listing
    return listing


def _rendered(state: SandboxState, listing: Listing) -> dict[str, Any]:
    return {
        "sku": listing.sku,
        "asin": listing.asin,
        "items": [render_listing(state, listing, m, LISTING_DATA) for m in listing.offers],
    }


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


async def create_seller(request: Request) -> Response:
    """POST /_sandbox/sellers: a new seller and its credentials."""
    try:
        seller = add_seller(state_of(request), await _json(request))
    except ApiError as error:
        return JSONResponse({"error": error.message}, status_code=error.status)
    return JSONResponse(seller_credentials(seller), status_code=201)


async def create_listing(request: Request) -> Response:
    """POST /_sandbox/listings: a SKU listed with offers per marketplace."""
    state = state_of(request)
    body = await _json(request)
    try:
        seller = _seller(state, body)
        if (seller.seller_id, str(body.get("sku"))) in state.listings:
            raise refuse(f"{body.get('sku')} is already listed", 409)
        _offers(state, seller, body.get("offers"))  # refuse before touching the catalog
        listing = add_listing(state, seller, body, _product(state, seller, body))
    except ApiError as error:
        return JSONResponse({"error": error.message}, status_code=error.status)
    return JSONResponse(_rendered(state, listing), status_code=201)


ROUTES = [
    Route("/_sandbox/sellers", create_seller, methods=["POST"]),
    Route("/_sandbox/listings", create_listing, methods=["POST"]),
]
