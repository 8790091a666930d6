"""Listings Items 2021-08-01: get, put, patch and delete with validation preview and delays."""

from __future__ import annotations

import copy
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from skuport.sandbox import listings_logic as logic
from skuport.sandbox.http import (
    ApiError,
    csv_param,
    iso,
    json_response,
    operation,
    parse_time,
    state_of,
)
from skuport.sandbox.state import BY_ID, Listing, SandboxState, Seller, amount_text

DATA_SETS = {
    "summaries",
    "attributes",
    "issues",
    "offers",
    "fulfillmentAvailability",
    "procurement",
    "relationships",
    "productTypes",
}


def render_listing(
    state: SandboxState, listing: Listing, marketplace_id: str, included: set[str]
) -> dict[str, Any]:
    """A listings `Item` for one marketplace."""
    offer = listing.offers[marketplace_id]
    item: dict[str, Any] = {"sku": listing.sku}
    if "summaries" in included:
        item["summaries"] = [
            {
                "marketplaceId": marketplace_id,
                "asin": listing.asin,
                "productType": listing.product_type,
                "conditionType": listing.condition,
                "status": offer.status,
                "itemName": listing.title_in(marketplace_id),
                "createdDate": iso(offer.created or state.clock.now()),
                "lastUpdatedDate": iso(offer.updated or state.clock.now()),
            }
        ]
    if "attributes" in included:
        item["attributes"] = copy.deepcopy(listing.attributes)
    if "issues" in included:
        item["issues"] = copy.deepcopy(offer.issues)
    if "offers" in included and offer.price > 0:
        item["offers"] = [
            {
                "marketplaceId": marketplace_id,
                "offerType": "B2C",
                "price": {
                    "currencyCode": BY_ID[marketplace_id].currency,
                    "amount": amount_text(offer.price, BY_ID[marketplace_id].currency),
                },
            }
        ]
    if "fulfillmentAvailability" in included:
        availability: dict[str, Any] = {"fulfillmentChannelCode": offer.fulfillment}
        if offer.fulfillment == "DEFAULT":
            availability["quantity"] = offer.quantity
        item["fulfillmentAvailability"] = [availability]
    if "productTypes" in included:
        item["productTypes"] = [
            {"marketplaceId": marketplace_id, "productType": listing.product_type}
        ]
    return item


def _marketplace(request: Request, seller: Seller) -> str:
    ids = csv_param(request, "marketplaceIds")
    if len(ids) != 1 or ids[0] not in seller.marketplace_ids:
        raise ApiError(400, "InvalidInput", "Exactly one valid marketplaceId is required")
    return ids[0]


def _seller_matches(request: Request, seller: Seller) -> None:
    if request.path_params["sellerId"] != seller.seller_id:
        raise ApiError(403, "Unauthorized", "Access to requested resource is denied.")


def _submission(
    sku: str,
    status: str,
    issues: list[dict[str, Any]],
    state: SandboxState,
    asin: str | None,
    marketplace_id: str,
) -> Response:
    body: dict[str, Any] = {
        "sku": sku,
        "status": status,
        "submissionId": state.next_id("SUB-"),
        "issues": issues,
    }
    if asin:
        body["identifiers"] = [{"marketplaceId": marketplace_id, "asin": asin}]
    return json_response(body)


async def _body(request: Request, *keys: str) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as error:
        raise ApiError(400, "InvalidInput", "Request body is not valid JSON") from error
    missing = [k for k in keys if not isinstance(body, dict) or k not in body]
    if missing:
        raise ApiError(400, "InvalidInput", f"Missing required field(s): {', '.join(missing)}")
    return body


def _preview(request: Request) -> bool:
    return request.query_params.get("mode") == "VALIDATION_PREVIEW"


async def get_item(request: Request, seller: Seller) -> Response:
    """getListingsItem: one of the seller's listings in one marketplace."""
    state = state_of(request)
    _seller_matches(request, seller)
    marketplace_id = _marketplace(request, seller)
    sku = request.path_params["sku"]
    listing = state.listings.get((seller.seller_id, sku))
    if listing is None or marketplace_id not in listing.offers or listing.canceled:
        raise ApiError(404, "NOT_FOUND", f"SKU '{sku}' not found in marketplace {marketplace_id}")
    included = set(csv_param(request, "includedData")) or {"summaries"}
    if included - DATA_SETS:
        raise ApiError(400, "InvalidInput", f"Invalid includedData: {sorted(included - DATA_SETS)}")
    return json_response(render_listing(state, listing, marketplace_id, included))


async def put_item(request: Request, seller: Seller) -> Response:
    """putListingsItem: create or replace a listing (applied after the listing delay)."""
    state = state_of(request)
    _seller_matches(request, seller)
    marketplace_id = _marketplace(request, seller)
    sku = request.path_params["sku"]
    body = await _body(request, "productType", "attributes")
    problems, later, product = logic.check_put(state, seller, body["attributes"])
    asin = product.asin if product else None
    if _preview(request):
        issues = problems + later
        return _submission(
            sku, "INVALID" if issues else "VALID", issues, state, asin, marketplace_id
        )
    if problems:
        return _submission(sku, "INVALID", problems, state, asin, marketplace_id)
    attributes, product_type = body["attributes"], body["productType"]
    logic.schedule(
        state,
        seller,
        sku,
        lambda s: logic.put_listing(
            s, seller, sku, marketplace_id, product_type, attributes, product, later
        ),
    )
    return _submission(sku, "ACCEPTED", [], state, asin, marketplace_id)


def _patched(listing: Listing, patches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The problems of applying `patches` to the listing's attributes."""
    patched = copy.deepcopy(listing.attributes)
    problems = []
    for patch in patches:
        path = str(patch.get("path", ""))
        if patch.get("op") not in ("add", "replace", "merge", "delete") or not path.startswith(
            "/attributes/"
        ):
            problems.append(
                logic.issue(logic.INVALID_VALUE, f"Invalid patch operation on '{path}'.")
            )
        elif patch.get("op") != "delete":
            name = path.removeprefix("/attributes/")
            problems += logic.unknown_attributes([name])
            patched[name] = patch.get("value")
    return problems + logic.offer_values(patched)[2]


async def patch_item(request: Request, seller: Seller) -> Response:
    """patchListingsItem: change some attributes (applied after the listing delay)."""
    state = state_of(request)
    _seller_matches(request, seller)
    marketplace_id = _marketplace(request, seller)
    sku = request.path_params["sku"]
    body = await _body(request, "productType", "patches")
    listing = state.listings.get((seller.seller_id, sku))
    if listing is None:
        raise ApiError(404, "NOT_FOUND", f"SKU '{sku}' not found")
    problems = _patched(listing, body["patches"])
    if problems or _preview(request):
        status = "INVALID" if problems else "VALID"
        return _submission(sku, status, problems, state, listing.asin, marketplace_id)
    patches = body["patches"]
    logic.schedule(
        state, seller, sku, lambda s: logic.patch_listing(s, seller, sku, marketplace_id, patches)
    )
    return _submission(sku, "ACCEPTED", [], state, listing.asin, marketplace_id)


async def delete_item(request: Request, seller: Seller) -> Response:
    """deleteListingsItem: remove a listing's offer (applied after the listing delay)."""
    state = state_of(request)
    _seller_matches(request, seller)
    marketplace_id = _marketplace(request, seller)
    sku = request.path_params["sku"]
    listing = state.listings.get((seller.seller_id, sku))
    if listing is None or marketplace_id not in listing.offers:
        raise ApiError(404, "NOT_FOUND", f"SKU '{sku}' not found in marketplace {marketplace_id}")
    logic.schedule(
        state, seller, sku, lambda s: logic.delete_listing(s, seller, sku, marketplace_id)
    )
    return _submission(sku, "ACCEPTED", [], state, None, marketplace_id)


def _matching_items(
    request: Request, state: SandboxState, seller: Seller, marketplace_id: str
) -> list[Listing]:
    """The seller's listings the searchListingsItems filters select, in the requested order."""
    q = request.query_params
    after = parse_time(q.get("lastUpdatedAfter"), "lastUpdatedAfter")
    wanted = set(csv_param(request, "identifiers"))
    if wanted and q.get("identifiersType") != "SKU":
        raise ApiError(400, "InvalidInput", "Only identifiersType=SKU is supported here")
    items = [
        listing
        for listing in state.listings.values()
        if listing.seller_id == seller.seller_id
        and marketplace_id in listing.offers
        and (not wanted or listing.sku in wanted)
        and (after is None or (listing.offers[marketplace_id].updated or after) >= after)
    ]
    if q.get("sortBy", "lastUpdatedDate") == "sku":
        items.sort(key=lambda lst: lst.sku, reverse=q.get("sortOrder") == "DESC")
    else:
        items.sort(
            key=lambda lst: (lst.offers[marketplace_id].updated or state.clock.now(), lst.sku),
            reverse=q.get("sortOrder", "DESC") == "DESC",
        )
    return items


async def search_items(request: Request, seller: Seller) -> Response:
    """searchListingsItems: a page of the seller's listings in one marketplace."""
    state = state_of(request)
    _seller_matches(request, seller)
    marketplace_id = _marketplace(request, seller)
    q = request.query_params
    included = set(csv_param(request, "includedData")) or {"summaries"}
    size = int(q.get("pageSize", "10"))
    if not 1 <= size <= 20:
        raise ApiError(400, "InvalidInput", "pageSize must be between 1 and 20")
    items = _matching_items(request, state, seller, marketplace_id)
    offset = 0
    if token := q.get("pageToken"):
        if not token.startswith("LISTINGS-") or not token[9:].isdigit():
            raise ApiError(400, "InvalidInput", "Invalid pageToken")
        offset = int(token[9:])
    body: dict[str, Any] = {
        "numberOfResults": len(items),
        "items": [
            render_listing(state, lst, marketplace_id, included)
            for lst in items[offset : offset + size]
        ],
    }
    if offset + size < len(items):
        body["pagination"] = {"nextToken": f"LISTINGS-{offset + size}"}
    return json_response(body)


ITEM = "/listings/2021-08-01/items/{sellerId}/{sku:path}"
ROUTES = [
    Route(
        "/listings/2021-08-01/items/{sellerId}",
        operation("searchListingsItems", search_items),
        methods=["GET"],
    ),
    Route(ITEM, operation("getListingsItem", get_item), methods=["GET"]),
    Route(ITEM, operation("putListingsItem", put_item), methods=["PUT"]),
    Route(ITEM, operation("patchListingsItem", patch_item), methods=["PATCH"]),
    Route(ITEM, operation("deleteListingsItem", delete_item), methods=["DELETE"]),
]
