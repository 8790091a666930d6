"""The `/_sandbox/` control API: credentials, clock, orders, listings, faults and delays."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from skuport.sandbox.control_orders import staged_order
from skuport.sandbox.faults import Fault
from skuport.sandbox.http import Sandbox, iso, sandbox_of, state_of
from skuport.sandbox.ledger import book_shipment
from skuport.sandbox.render_orders import render_order
from skuport.sandbox.roles import ALL_ROLES
from skuport.sandbox.seed_orders import make_order
from skuport.sandbox.state import BY_ID, Listing, SandboxState, Seller

STATUSES = {
    "PENDING_AVAILABILITY",
    "PENDING",
    "UNSHIPPED",
    "PARTIALLY_SHIPPED",
    "SHIPPED",
    "CANCELLED",
}
ALL_DATA = {"BUYER", "RECIPIENT", "PROCEEDS", "FULFILLMENT", "PROMOTION", "PACKAGES"}


def seller_credentials(seller: Seller) -> dict[str, Any]:
    """What a store needs to connect to this seller."""
    return {
        "sellerId": seller.seller_id,
        "name": seller.name,
        "region": seller.region,
        "clientId": seller.client_id,
        "clientSecret": seller.client_secret,
        "refreshToken": seller.refresh_token,
        "roles": sorted(seller.roles),
        "marketplaces": [
            {"id": m, "country": BY_ID[m].country, "currency": BY_ID[m].currency}
            for m in seller.marketplace_ids
        ],
    }


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def set_status(state: SandboxState, order_id: str, status: str) -> None:
    """Move an order to `status` as Amazon would (shipping lines, recording payouts)."""
    order = state.orders[order_id]
    order.status = status
    order.last_updated = state.clock.now()
    if status == "SHIPPED":
        for line in order.lines:
            line.quantity_shipped = line.quantity
        book_shipment(state, order)


async def sellers(request: Request) -> Response:
    """GET /_sandbox/sellers: every seller's credentials."""
    state = state_of(request)
    return JSONResponse({"sellers": [seller_credentials(s) for s in state.sellers.values()]})


async def clock(request: Request) -> Response:
    """GET /_sandbox/clock reads virtual time; POST advances it and lets due work happen."""
    sandbox = sandbox_of(request)
    if request.method == "POST":
        body = await _body(request)
        seconds = float(body.get("seconds", 0))
        if seconds < 0:
            return _problem(400, "time only moves forward")
        sandbox.state.clock.advance(timedelta(seconds=seconds))
        sandbox.tick()
    return JSONResponse({"now": iso(sandbox.state.clock.now())})


async def create_order(request: Request) -> Response:
    """POST /_sandbox/orders: a new order of a seller, created now (staged when `lines` given)."""
    state = state_of(request)
    body = await _body(request)
    if "lines" in body:
        return await staged_order(request, body)
    seller = state.sellers.get(str(body.get("sellerId")))
    if seller is None:
        return _problem(404, "unknown sellerId")
    marketplace_id = body.get("marketplaceId") or seller.marketplace_ids[0]
    status = body.get("status", "UNSHIPPED")
    if marketplace_id not in seller.marketplace_ids or status not in STATUSES:
        return _problem(400, "invalid marketplaceId or status")
    rng = random.Random(f"{state.seed}-{state.counter}")
    index = int(body.get("variant", state.counter))
    state.counter += 1
    order = make_order(
        state, rng, seller, marketplace_id, created=state.clock.now(), status=status, index=index
    )
    order.last_updated = state.clock.now()
    state.orders[order.order_id] = order
    return JSONResponse({"order": render_order(order, ALL_DATA)}, status_code=201)


async def order_action(request: Request) -> Response:
    """POST /_sandbox/orders/{orderId}/{cancel|status|malformed}: change an order."""
    state = state_of(request)
    order_id = request.path_params["orderId"]
    if order_id not in state.orders:
        return _problem(404, "unknown order")
    action = request.path_params["action"]
    body = await _body(request)
    if action == "cancel":
        set_status(state, order_id, "CANCELLED")
    elif action == "status" and body.get("status") in STATUSES:
        set_status(state, order_id, body["status"])
    elif action == "malformed":
        state.orders[order_id].malformed = True
        state.orders[order_id].last_updated = state.clock.now()
    else:
        return _problem(400, "unknown action or status")
    return JSONResponse({"order": render_order(state.orders[order_id], ALL_DATA)})


async def replace_listing(request: Request) -> Response:
    """POST /_sandbox/listings/{sellerId}/{sku}/replace: a new listing replaces the old one."""
    state = state_of(request)
    key = (request.path_params["sellerId"], request.path_params["sku"])
    old = state.listings.get(key)
    if old is None:
        return _problem(404, "unknown listing")
    body = await _body(request)
    new_sku = str(body.get("newSku") or f"{old.sku}-R{state.counter}")
    state.counter += 1
    new = Listing(old.seller_id, new_sku, old.asin, old.product_type, old.title, old.condition)
    for marketplace_id, offer in old.offers.items():
        new.offers[marketplace_id] = type(offer)(
            price=offer.price,
            quantity=offer.quantity,
            fulfillment=offer.fulfillment,
            created=state.clock.now(),
            updated=state.clock.now(),
        )
    del state.listings[key]
    state.listings[(old.seller_id, new_sku)] = new
    return JSONResponse({"replaced": old.sku, "sku": new_sku, "asin": new.asin})


async def faults(request: Request) -> Response:
    """POST /_sandbox/faults injects a fault; DELETE clears them all."""
    sandbox = sandbox_of(request)
    if request.method == "DELETE":
        sandbox.faults.clear()
        return JSONResponse({"faults": []})
    body = await _body(request)
    try:
        sandbox.faults.add(
            Fault(
                kind=str(body.get("kind")),
                count=int(body.get("count", 1)),
                operation=body.get("operation"),
                delay=float(body.get("delay", 0)),
            )
        )
    except ValueError as error:
        return _problem(400, str(error))
    return JSONResponse({"faults": [_fault_view(f) for f in sandbox.faults.pending]})


async def fault_storm(request: Request) -> Response:
    """POST /_sandbox/faults/storm: every call of an operation fails for N virtual seconds."""
    sandbox = sandbox_of(request)
    body = await _body(request)
    try:
        seconds = float(body.get("seconds", 0))
        if seconds <= 0:
            raise ValueError("a storm lasts a positive number of seconds")
        until = sandbox.state.clock.now() + timedelta(seconds=seconds)
        sandbox.faults.add(
            Fault(kind=str(body.get("kind", "429")), operation=body.get("operation"), until=until)
        )
    except (TypeError, ValueError) as error:
        return _problem(400, str(error))
    return JSONResponse({"faults": [_fault_view(f) for f in sandbox.faults.pending]})


def _fault_view(fault: Fault) -> dict[str, Any]:
    view = dict(vars(fault))
    view["until"] = fault.until.isoformat().replace("+00:00", "Z") if fault.until else None
    return view


def _apply_settings(sandbox: Sandbox, body: dict[str, Any]) -> None:
    current = sandbox.state.settings
    for key, attribute in (
        ("feedDelaySeconds", "feed_delay"),
        ("reportDelaySeconds", "report_delay"),
        ("listingDelaySeconds", "listing_delay"),
    ):
        if key in body:
            setattr(current, attribute, timedelta(seconds=float(body[key])))
    if "feedFailure" in body:
        current.feed_failure = body["feedFailure"]
    if "tokenLifetimeSeconds" in body:
        current.token_lifetime = int(body["tokenLifetimeSeconds"])
    if "clockSkewSeconds" in body:
        # Amazon's clock this many seconds behind the shared one (our server running ahead).
        current.clock_skew = timedelta(seconds=float(body["clockSkewSeconds"]))
    if "reportCharset" in body:
        current.report_charset = str(body["reportCharset"] or "utf-8")
    if "reportExtraColumns" in body:
        current.report_extra_columns = bool(body["reportExtraColumns"])
    if "loopingPages" in body:
        current.looping_pages = {str(name) for name in body["loopingPages"] or ()}
    if "rateLimits" in body:
        sandbox.limits.enabled = bool(body["rateLimits"])
    for operation, plan in (body.get("usagePlans") or {}).items():
        sandbox.limits.set_plan(operation, float(plan["rate"]), int(plan["burst"]))


async def settings(request: Request) -> Response:
    """GET /_sandbox/settings reads the delays, failures and rate limits; POST changes them."""
    sandbox = sandbox_of(request)
    _apply_settings(sandbox, await _body(request))
    current = sandbox.state.settings
    return JSONResponse(
        {
            "feedDelaySeconds": current.feed_delay.total_seconds(),
            "reportDelaySeconds": current.report_delay.total_seconds(),
            "listingDelaySeconds": current.listing_delay.total_seconds(),
            "feedFailure": current.feed_failure,
            "tokenLifetimeSeconds": current.token_lifetime,
            "clockSkewSeconds": current.clock_skew.total_seconds(),
            "loopingPages": sorted(current.looping_pages),
            "reportCharset": current.report_charset,
            "reportExtraColumns": current.report_extra_columns,
            "rateLimits": sandbox.limits.enabled,
            "usagePlans": {
                op: {"rate": rate, "burst": burst}
                for op, (rate, burst) in sandbox.limits.plans.items()
            },
        }
    )


def _forget_tokens(state: SandboxState, seller: Seller) -> None:
    state.access_tokens = {t: v for t, v in state.access_tokens.items() if v[0] != seller.seller_id}


async def seller_action(request: Request) -> Response:
    """POST /_sandbox/sellers/{sellerId}/{approve-brand|revoke|expire-tokens|roles}.

    `roles` with `{"roles": [...]}` sets the roles the seller's application holds (every role
    by default; see sandbox/roles.py): without a restricted role, orders come without the
    buyer's and recipient's personal data; without an operation's role, Amazon answers 403.
    """
    state = state_of(request)
    seller = state.sellers.get(request.path_params["sellerId"])
    if seller is None:
        return _problem(404, "unknown seller")
    body = await _body(request)
    action = request.path_params["action"]
    if action == "approve-brand":
        seller.approved_brands.add(str(body.get("brand")))
    elif action == "revoke":
        seller.refresh_token = "revoked-" + seller.refresh_token
        _forget_tokens(state, seller)
    elif action == "expire-tokens":
        _forget_tokens(state, seller)
    elif action == "roles" and isinstance(body.get("roles"), list):
        unknown = {str(r) for r in body["roles"]} - ALL_ROLES
        if unknown:
            return _problem(400, f"unknown roles: {sorted(unknown)}")
        seller.roles = {str(r) for r in body["roles"]}
    else:
        return _problem(400, "unknown action")
    return JSONResponse(seller_credentials(seller))


async def document(request: Request) -> Response:
    """GET /_sandbox/documents/{documentId} serves a document; PUT uploads a feed's content."""
    state = state_of(request)
    found = state.documents.get(request.path_params["documentId"])
    expires = request.query_params.get("Expires")
    if expires and expires.isdigit() and state.amazon_now().timestamp() > int(expires):
        return Response(
            "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
            status_code=403,
            media_type="application/xml",
        )
    if found is None:
        return Response(
            "<Error><Code>NoSuchKey</Code></Error>", status_code=404, media_type="application/xml"
        )
    if request.method == "PUT":
        found.content = await request.body()
        found.content_type = request.headers.get("content-type", found.content_type)
        return Response(status_code=200)
    return Response(found.content, media_type=found.content_type)


ROUTES = [
    Route("/_sandbox/sellers", sellers),
    Route("/_sandbox/sellers/{sellerId}/{action}", seller_action, methods=["POST"]),
    Route("/_sandbox/clock", clock, methods=["GET", "POST"]),
    Route("/_sandbox/orders", create_order, methods=["POST"]),
    Route("/_sandbox/orders/{orderId}/{action}", order_action, methods=["POST"]),
    Route("/_sandbox/listings/{sellerId}/{sku:path}/replace", replace_listing, methods=["POST"]),
    Route("/_sandbox/faults", faults, methods=["POST", "DELETE"]),
    Route("/_sandbox/faults/storm", fault_storm, methods=["POST"]),
    Route("/_sandbox/settings", settings, methods=["GET", "POST"]),
    Route("/_sandbox/documents/{documentId}", document, methods=["GET", "PUT"]),
]
