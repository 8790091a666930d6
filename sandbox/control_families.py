"""Staging variation families through the control API: any number of themes (Amazon allows
more than three), each child a SKU with its own offers per marketplace."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from skuport.sandbox.api_catalog_items import render_item
from skuport.sandbox.control_catalog import _json, _offers, _seller, add_listing, new_asin
from skuport.sandbox.control_orders import refuse
from skuport.sandbox.http import ApiError, state_of
from skuport.sandbox.state import Listing, Offer, Product, SandboxState, Seller

CATALOG_DATA = {"summaries", "attributes", "identifiers", "relationships", "productTypes"}


def _check(state: SandboxState, seller: Seller, body: dict[str, Any]) -> list[str]:
    """The family's themes, once every child names a value for exactly those themes."""
    themes = [str(t) for t in body.get("themes") or []]
    children = body.get("children")
    if not themes or len(set(themes)) != len(themes):
        raise refuse('themes must list distinct attribute names, e.g. ["size", "color"]')
    if not isinstance(children, list) or not children:
        raise refuse("children must list at least one child")
    skus = [str(c.get("sku") or "") for c in children] + [str(body.get("parentSku") or "")]
    if "" in skus or len(set(skus)) != len(skus):
        raise refuse("parentSku and every child's sku are required and distinct")
    for n, child in enumerate(children):
        if sorted((child.get("values") or {}).keys()) != sorted(themes):
            raise refuse(f"children[{n}].values must give exactly {', '.join(themes)}")
        if (seller.seller_id, str(child["sku"])) in state.listings:
            raise refuse(f"{child['sku']} is already listed", 409)
        _offers(state, seller, child.get("offers"))
    if (seller.seller_id, str(body["parentSku"])) in state.listings:
        raise refuse(f"{body['parentSku']} is already listed", 409)
    return themes


def add_family(state: SandboxState, seller: Seller, body: dict[str, Any]) -> Product:
    """A variation parent, its children and their listings; the parent is listed without offer."""
    themes = _check(state, seller, body)
    brand = str(body.get("brand") or "Northwind")
    product_type = str(body.get("productType") or "SHIRT")
    parent = Product(
        asin=new_asin(state),
        title=str(body.get("title") or "Variation family"),
        brand=brand,
        product_type=product_type,
        classification="VARIATION_PARENT",
        browse_path=[("Clothing", "7141123011")],
        variation_theme=themes,
    )
    state.products[parent.asin] = parent
    for child in body["children"]:
        values = {theme: str(child["values"][theme]) for theme in themes}
        product = Product(
            asin=new_asin(state),
            title=str(child.get("title") or f"{parent.title} - " + ", ".join(values.values())),
            brand=brand,
            product_type=product_type,
            classification="BASE_PRODUCT",
            browse_path=parent.browse_path,
            identifiers=[(str(i["type"]), str(i["value"])) for i in child.get("identifiers") or []],
            parent_asin=parent.asin,
            variation_values=values,
            titles={str(k): str(v) for k, v in (child.get("titles") or {}).items()},
        )
        state.products[product.asin] = product
        parent.child_asins.append(product.asin)
        add_listing(state, seller, {**child, "title": product.title}, product)
    _list_parent(state, seller, parent, str(body["parentSku"]))
    return parent


def _list_parent(state: SandboxState, seller: Seller, parent: Product, sku: str) -> None:
    marketplaces = {
        m
        for asin in parent.child_asins
        for listing in state.listings.values()
        if listing.asin == asin and listing.seller_id == seller.seller_id
        for m in listing.offers
    }
    now = state.clock.now()  # listed without a price, as the seeded parents
    listing = Listing(seller.seller_id, sku, parent.asin, parent.product_type, parent.title)
    for marketplace_id in sorted(marketplaces):
        listing.offers[marketplace_id] = Offer(
            price=Decimal(0), quantity=0, status=["DISCOVERABLE"], created=now, updated=now
        )
    state.listings[(seller.seller_id, sku)] = listing


async def create_family(request: Request) -> Response:
    """POST /_sandbox/families: a variation family; answers the parent and children as
    catalog items of the first marketplace they are offered in."""
    state = state_of(request)
    body = await _json(request)
    try:
        seller = _seller(state, body)
        parent = add_family(state, seller, body)
    except ApiError as error:
        return JSONResponse({"error": error.message}, status_code=error.status)
    first = str(body["children"][0]["offers"][0]["marketplaceId"])
    children = [state.products[a] for a in parent.child_asins]
    skus = {
        lst.asin: lst.sku for lst in state.listings.values() if lst.seller_id == seller.seller_id
    }
    return JSONResponse(
        {
            "parentSku": body["parentSku"],
            "parent": render_item(state, parent, first, CATALOG_DATA),
            "children": [
                {"sku": skus[c.asin], "item": render_item(state, c, first, CATALOG_DATA)}
                for c in children
            ],
        },
        status_code=201,
    )


ROUTES = [Route("/_sandbox/families", create_family, methods=["POST"])]
