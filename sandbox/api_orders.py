"""Orders 2026-01-01 searchOrders/getOrder and Orders v0 confirmShipment."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from skuport.sandbox.http import (
    ApiError,
    csv_param,
    iso,
    json_response,
    operation,
    parse_time,
    state_of,
)
from skuport.sandbox.ledger import book_shipment
from skuport.sandbox.render_orders import render_order
from skuport.sandbox.roles import without_pii
from skuport.sandbox.state import Order, SandboxState, Seller

TOKEN_LIFETIME = timedelta(hours=24)
STATUSES = {
    "PENDING_AVAILABILITY",
    "PENDING",
    "UNSHIPPED",
    "PARTIALLY_SHIPPED",
    "SHIPPED",
    "CANCELLED",
    "UNFULFILLABLE",
}
FILTER_KEYS = (
    "createdAfter",
    "createdBefore",
    "lastUpdatedAfter",
    "lastUpdatedBefore",
    "fulfillmentStatuses",
    "marketplaceIds",
    "fulfilledBy",
)


def _marketplaces(request: Request, seller: Seller) -> list[str]:
    ids = csv_param(request, "marketplaceIds") or list(seller.marketplace_ids)
    for marketplace_id in ids:
        if marketplace_id not in seller.marketplace_ids:
            raise ApiError(400, "InvalidInput", f"Invalid marketplaceId: {marketplace_id}")
    return ids


def _window(request: Request, now: datetime) -> tuple[str, datetime, datetime]:
    q = request.query_params
    created = "createdAfter" in q or "createdBefore" in q
    updated = "lastUpdatedAfter" in q or "lastUpdatedBefore" in q
    if created == updated:
        raise ApiError(
            400, "InvalidInput", "Exactly one of createdAfter and lastUpdatedAfter must be provided"
        )
    axis = "created" if created else "lastUpdated"
    after = parse_time(q.get(f"{axis}After"), f"{axis}After")
    if after is None:
        raise ApiError(400, "InvalidInput", f"{axis}After is required with {axis}Before")
    latest = now - timedelta(minutes=2)
    before = parse_time(q.get(f"{axis}Before"), f"{axis}Before") or latest
    if before < after:
        raise ApiError(400, "InvalidInput", f"{axis}Before must be after {axis}After")
    if before > latest:
        raise ApiError(400, "InvalidInput", f"{axis}Before must be at least 2 minutes in the past")
    return axis, after, before


INCLUDED_DATA = {
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "EXPENSE",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "PACKAGES",
    "TAX",
    "PAYMENT",
    "FULFILLMENT_ORDERS",
}


def _included(request: Request) -> set[str]:
    """The datasets asked for; Amazon refuses a value it does not know."""
    included = set(csv_param(request, "includedData"))
    if included - INCLUDED_DATA:
        raise ApiError(
            400, "InvalidInput", f"Invalid includedData: {sorted(included - INCLUDED_DATA)}"
        )
    return included


def _saved_page(
    state: SandboxState, token: str, seller: Seller, signature: str
) -> tuple[list[str], int, str, datetime]:
    """The order ids, offset, time axis and window end a pagination token continues."""
    saved = state.page_tokens.get(token)
    if saved is None or saved["seller"] != seller.seller_id:
        raise ApiError(400, "InvalidInput", "Invalid paginationToken")
    if saved["signature"] != signature:
        raise ApiError(400, "InvalidInput", "Request parameters must match the original request")
    if state.clock.now() > saved["expires"]:
        raise ApiError(400, "InvalidInput", "The paginationToken has expired")
    return saved["ids"], saved["offset"], saved["axis"], saved["before"]


def _matching_ids(
    request: Request, state: SandboxState, seller: Seller
) -> tuple[list[str], str, datetime]:
    """The ids of the seller's orders the search's filters select, in time order."""
    axis, after, before = _window(request, state.amazon_now())
    marketplaces = _marketplaces(request, seller)
    statuses = set(csv_param(request, "fulfillmentStatuses"))
    fulfilled = set(csv_param(request, "fulfilledBy"))
    if statuses - STATUSES or fulfilled - {"MERCHANT", "AMAZON"}:
        raise ApiError(400, "InvalidInput", "Invalid fulfillmentStatuses or fulfilledBy")

    def moment(order: Order) -> datetime:
        return order.created if axis == "created" else order.last_updated

    matched = [
        o
        for o in state.seller_orders(seller.seller_id)
        if o.marketplace_id in marketplaces
        and after <= moment(o) <= before
        and (not statuses or o.status in statuses)
        and (not fulfilled or o.fulfilled_by in fulfilled)
    ]
    matched.sort(key=lambda o: (moment(o), o.order_id))
    return [o.order_id for o in matched], axis, before


def _page_size(request: Request) -> int:
    try:
        page_size = int(request.query_params.get("maxResultsPerPage", "100"))
    except ValueError as error:
        raise ApiError(400, "InvalidInput", "maxResultsPerPage must be an integer") from error
    if not 1 <= page_size <= 100:
        raise ApiError(400, "InvalidInput", "maxResultsPerPage must be between 1 and 100")
    return page_size


async def search_orders(request: Request, seller: Seller) -> Response:
    """searchOrders: a page of the seller's orders created or updated in a window."""
    state = state_of(request)
    q = request.query_params
    page_size = _page_size(request)
    signature = json.dumps({k: q.get(k) for k in FILTER_KEYS}, sort_keys=True)
    token = q.get("paginationToken")
    if token:
        ids, offset, axis, before = _saved_page(state, token, seller, signature)
    else:
        (ids, axis, before), offset = _matching_ids(request, state, seller), 0
    page = ids[offset : offset + page_size]
    included = _included(request)
    body: dict[str, Any] = {
        "orders": [
            without_pii(render_order(state.orders[i], included), seller.roles)
            for i in page
            if i in state.orders
        ],
        f"{axis}Before": iso(before),
    }
    if offset + page_size < len(ids):
        next_token = state.next_id("ORDERS-PAGE-")
        state.page_tokens[next_token] = {
            "seller": seller.seller_id,
            "signature": signature,
            "ids": ids,
            "offset": offset + page_size,
            "axis": axis,
            "before": before,
            "expires": state.clock.now() + TOKEN_LIFETIME,
        }
        body["pagination"] = {"nextToken": next_token}
    return json_response(body)


def _find(state: SandboxState, order_id: str, seller: Seller) -> Order:
    order = state.orders.get(order_id)
    if order is None or order.seller_id != seller.seller_id:
        raise ApiError(404, "NotFound", f"Order {order_id} not found")
    return order


async def get_order(request: Request, seller: Seller) -> Response:
    """getOrder: one of the seller's orders."""
    order = _find(state_of(request), request.path_params["orderId"], seller)
    body = without_pii(render_order(order, _included(request)), seller.roles)
    return json_response({"order": body})


@dataclass(frozen=True)
class _Package:
    """The package a shipment confirmation reports."""

    detail: dict[str, Any]
    marketplace_id: str
    reference: str
    carrier: str
    tracking: str
    ship_date: datetime | None
    items: list[tuple[str, int]]


async def _package(request: Request) -> _Package:
    try:
        body = await request.json()
        detail = body["packageDetail"]
        return _Package(
            detail=detail,
            marketplace_id=body["marketplaceId"],
            reference=str(detail["packageReferenceId"]),
            carrier=detail["carrierCode"],
            tracking=detail["trackingNumber"],
            ship_date=parse_time(detail["shipDate"], "shipDate"),
            items=[(str(i["orderItemId"]), int(i["quantity"])) for i in detail["orderItems"]],
        )
    except (ValueError, KeyError, TypeError) as error:
        raise ApiError(400, "InvalidInput", f"Invalid request body: {error}") from error


def _check_shippable(order: Order, package: _Package) -> None:
    if package.marketplace_id != order.marketplace_id:
        raise ApiError(400, "InvalidInput", "marketplaceId does not match the order")
    if order.fulfilled_by != "MERCHANT":
        raise ApiError(400, "InvalidInput", "Shipment confirmation is only for MFN orders")
    if order.status in ("CANCELLED", "PENDING", "PENDING_AVAILABILITY"):
        raise ApiError(400, "InvalidInput", f"Order is {order.status} and cannot be shipped")
    if package.carrier == "Other" and not package.detail.get("carrierName"):
        raise ApiError(400, "InvalidInput", "carrierName is required when carrierCode is Other")


def _ship(order: Order, package: _Package) -> None:
    """Record the package on the order; resending a package reference edits that package."""
    lines = {line.order_item_id: line for line in order.lines}
    # Resending a package reference edits that package: its quantities count only once.
    previous = next(
        (p for p in order.packages if p["packageReferenceId"] == package.reference), None
    )
    already = {i["orderItemId"]: i["quantity"] for i in (previous or {}).get("packageItems", [])}
    for item_id, quantity in package.items:
        line = lines.get(item_id)
        if line is None or quantity < 1:
            raise ApiError(400, "InvalidInput", f"Invalid orderItemId or quantity: {item_id}")
        if line.quantity_shipped - already.get(item_id, 0) + quantity > line.quantity:
            raise ApiError(400, "InvalidInput", f"Quantity exceeds what was ordered: {item_id}")
    for item_id, quantity in already.items():
        lines[item_id].quantity_shipped -= quantity
    order.packages = [p for p in order.packages if p is not previous]
    for item_id, quantity in package.items:
        lines[item_id].quantity_shipped += quantity
    order.packages.append(
        {
            "packageReferenceId": package.reference,
            "carrier": package.carrier,
            "trackingNumber": package.tracking,
            "shipTime": iso(package.ship_date) if package.ship_date else None,
            "packageStatus": {"status": "IN_TRANSIT"},
            "packageItems": [{"orderItemId": i, "quantity": q} for i, q in package.items],
        }
    )


async def confirm_shipment(request: Request, seller: Seller) -> Response:
    """confirmShipment: a package of an MFN order shipped; the order ships when all lines do."""
    state = state_of(request)
    order = _find(state, request.path_params["orderId"], seller)
    package = await _package(request)
    _check_shippable(order, package)
    was_shipped = order.status == "SHIPPED"
    _ship(order, package)
    done = all(line.quantity_shipped >= line.quantity for line in order.lines)
    order.status = "SHIPPED" if done else "PARTIALLY_SHIPPED"
    order.last_updated = state.clock.now()
    if done and not was_shipped:
        book_shipment(state, order)
    return Response(status_code=204)


ROUTES = [
    Route("/orders/2026-01-01/orders", operation("searchOrders", search_orders)),
    Route("/orders/2026-01-01/orders/{orderId}", operation("getOrder", get_order)),
    Route(
        "/orders/v0/orders/{orderId}/shipmentConfirmation",
        operation("confirmShipment", confirm_shipment),
        methods=["POST"],
    ),
]
