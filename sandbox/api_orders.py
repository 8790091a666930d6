"""Orders 2026-01-01 searchOrders/getOrder and Orders v0 confirmShipment."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from skuport.sandbox.http import ApiError, Sandbox, csv_param, iso, json_response, parse_time
from skuport.sandbox.ledger import open_group, record, shipment_event
from skuport.sandbox.render_orders import render_order
from skuport.sandbox.state import Order, Seller

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


def _included(request: Request) -> set[str]:
    return set(csv_param(request, "includedData"))


def register(sandbox: Sandbox) -> list[Route]:
    """The routes of the Orders APIs."""
    state = sandbox.state

    async def search_orders(request: Request, seller: Seller) -> Response:
        q = request.query_params
        try:
            page_size = int(q.get("maxResultsPerPage", "100"))
        except ValueError as error:
            raise ApiError(400, "InvalidInput", "maxResultsPerPage must be an integer") from error
        if not 1 <= page_size <= 100:
            raise ApiError(400, "InvalidInput", "maxResultsPerPage must be between 1 and 100")
        signature = json.dumps({k: q.get(k) for k in FILTER_KEYS}, sort_keys=True)
        token = q.get("paginationToken")
        if token:
            saved = state.page_tokens.get(token)
            if saved is None or saved["seller"] != seller.seller_id:
                raise ApiError(400, "InvalidInput", "Invalid paginationToken")
            if saved["signature"] != signature:
                raise ApiError(
                    400, "InvalidInput", "Request parameters must match the original request"
                )
            if state.clock.now() > saved["expires"]:
                raise ApiError(400, "InvalidInput", "The paginationToken has expired")
            ids, offset, axis, before = (
                saved["ids"],
                saved["offset"],
                saved["axis"],
                saved["before"],
            )
        else:
            now = state.clock.now()
            axis, after, before = _window(request, now)
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
            ids, offset = [o.order_id for o in matched], 0
        page = ids[offset : offset + page_size]
        included = _included(request)
        body: dict[str, Any] = {
            "orders": [render_order(state.orders[i], included) for i in page if i in state.orders],
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

    def _find(order_id: str, seller: Seller) -> Order:
        order = state.orders.get(order_id)
        if order is None or order.seller_id != seller.seller_id:
            raise ApiError(404, "NotFound", f"Order {order_id} not found")
        return order

    async def get_order(request: Request, seller: Seller) -> Response:
        order = _find(request.path_params["orderId"], seller)
        return json_response({"order": render_order(order, _included(request))})

    async def confirm_shipment(request: Request, seller: Seller) -> Response:
        order = _find(request.path_params["orderId"], seller)
        try:
            body = await request.json()
            detail = body["packageDetail"]
            marketplace_id = body["marketplaceId"]
            reference = str(detail["packageReferenceId"])
            carrier = detail["carrierCode"]
            tracking = detail["trackingNumber"]
            ship_date = parse_time(detail["shipDate"], "shipDate")
            shipped = [(str(i["orderItemId"]), int(i["quantity"])) for i in detail["orderItems"]]
        except (ValueError, KeyError, TypeError) as error:
            raise ApiError(400, "InvalidInput", f"Invalid request body: {error}") from error
        if marketplace_id != order.marketplace_id:
            raise ApiError(400, "InvalidInput", "marketplaceId does not match the order")
        if order.fulfilled_by != "MERCHANT":
            raise ApiError(400, "InvalidInput", "Shipment confirmation is only for MFN orders")
        if order.status in ("CANCELLED", "PENDING", "PENDING_AVAILABILITY"):
            raise ApiError(400, "InvalidInput", f"Order is {order.status} and cannot be shipped")
        if carrier == "Other" and not detail.get("carrierName"):
            raise ApiError(400, "InvalidInput", "carrierName is required when carrierCode is Other")
        lines = {line.order_item_id: line for line in order.lines}
        # Resending a package reference edits that package: its quantities count only once.
        previous = next((p for p in order.packages if p["packageReferenceId"] == reference), None)
        already = {
            i["orderItemId"]: i["quantity"] for i in (previous or {}).get("packageItems", [])
        }
        for item_id, quantity in shipped:
            line = lines.get(item_id)
            if line is None or quantity < 1:
                raise ApiError(400, "InvalidInput", f"Invalid orderItemId or quantity: {item_id}")
            if line.quantity_shipped - already.get(item_id, 0) + quantity > line.quantity:
                raise ApiError(400, "InvalidInput", f"Quantity exceeds what was ordered: {item_id}")
        was_shipped = order.status == "SHIPPED"
        for item_id, quantity in already.items():
            lines[item_id].quantity_shipped -= quantity
        order.packages = [p for p in order.packages if p is not previous]
        for item_id, quantity in shipped:
            lines[item_id].quantity_shipped += quantity
        order.packages.append(
            {
                "packageReferenceId": reference,
                "carrier": carrier,
                "trackingNumber": tracking,
                "shipTime": iso(ship_date) if ship_date else None,
                "packageStatus": {"status": "IN_TRANSIT"},
                "packageItems": [{"orderItemId": i, "quantity": q} for i, q in shipped],
            }
        )
        done = all(line.quantity_shipped >= line.quantity for line in order.lines)
        order.status = "SHIPPED" if done else "PARTIALLY_SHIPPED"
        order.last_updated = state.clock.now()
        if done and not was_shipped:
            group = open_group(state, seller.seller_id, order.currency)
            record(
                group,
                "ShipmentEventList",
                shipment_event(order, order.last_updated),
                order.marketplace_id,
            )
        return Response(status_code=204)

    return [
        Route("/orders/2026-01-01/orders", sandbox.operation("searchOrders", search_orders)),
        Route("/orders/2026-01-01/orders/{orderId}", sandbox.operation("getOrder", get_order)),
        Route(
            "/orders/v0/orders/{orderId}/shipmentConfirmation",
            sandbox.operation("confirmShipment", confirm_shipment),
            methods=["POST"],
        ),
    ]
