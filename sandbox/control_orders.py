"""Staging orders through the control API: chosen lines, money, address, buyer and times.

`POST /_sandbox/orders` with `lines` (see `control.create_order`) builds an order exactly as
asked; `PATCH /_sandbox/orders/{orderId}` changes any of the same fields the way Amazon updates
an order (its last-updated time moves); `POST /_sandbox/orders/{orderId}/repair` serves a
malformed order well-formed again. Orders staged here are plain sandbox orders: searchOrders,
getOrder, the orders report, confirmShipment and the finances see them like seeded ones.
"""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from skuport.sandbox.http import ApiError, parse_time, state_of
from skuport.sandbox.ledger import book_shipment
from skuport.sandbox.render_orders import render_order
from skuport.sandbox.seed_orders import ADDRESSES, NA_TAX
from skuport.sandbox.state import (
    BY_ID,
    WHOLE_CURRENCIES,
    Order,
    OrderLine,
    SandboxState,
    Seller,
)

STATUSES = ("PENDING_AVAILABILITY", "PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED")
ALL_STATUSES = (*STATUSES, "CANCELLED")
ALL_DATA = {"BUYER", "RECIPIENT", "PROCEEDS", "FULFILLMENT", "PROMOTION", "PACKAGES"}
ADDRESS_KEYS = (
    "name",
    "companyName",
    "addressLine1",
    "addressLine2",
    "addressLine3",
    "city",
    "districtOrCounty",
    "stateOrRegion",
    "postalCode",
    "countryCode",
    "addressType",
)
BUYER_KEYS = ("buyerName", "buyerEmail", "buyerCompanyName", "buyerPurchaseOrderNumber")
LINE_MONEY = {
    "shippingPrice": "shipping",
    "shippingDiscount": "shipping_discount",
    "giftWrap": "gift_wrap",
    "promotionDiscount": "promotion_discount",
    "itemTax": "item_tax",
    "shippingTax": "shipping_tax",
    "giftWrapTax": "gift_wrap_tax",
}


def refuse(message: str, status: int = 400) -> ApiError:
    """A control-API refusal (answered as `{"error": message}`)."""
    return ApiError(status, "InvalidInput", message)


def amount(value: Any, name: str, currency: str) -> Decimal:
    """A non-negative amount in `currency`; JPY amounts must be whole yen."""
    try:
        parsed = Decimal(str(value))
    except InvalidOperation as error:
        raise refuse(f"{name} is not an amount: {value!r}") from error
    if not parsed.is_finite() or parsed < 0:
        raise refuse(f"{name} must be a non-negative amount")
    if currency in WHOLE_CURRENCIES and parsed != parsed.to_integral_value():
        raise refuse(f"{name}: {currency} amounts have no decimals")
    return parsed if currency in WHOLE_CURRENCIES else parsed.quantize(Decimal("0.01"))


def _unit(currency: str) -> Decimal:
    return Decimal(1) if currency in WHOLE_CURRENCIES else Decimal("0.01")


def _default_taxes(line: OrderLine, marketplace_id: str, currency: str, given: set[str]) -> None:
    """North American marketplaces charge sales tax; staged lines get it unless told otherwise."""
    market = BY_ID[marketplace_id]
    if not market.taxed:
        return
    rate = NA_TAX[market.country]
    taxable = {
        "item_tax": line.unit_price * line.quantity - line.promotion_discount,
        "shipping_tax": line.shipping - line.shipping_discount,
        "gift_wrap_tax": line.gift_wrap,
    }
    for attribute, base in taxable.items():
        if attribute not in given:
            setattr(line, attribute, (base * rate).quantize(_unit(currency)))


def _line(state: SandboxState, order: Order, spec: Any, position: int) -> OrderLine:
    """One order line from its description; a known SKU lends its ASIN, title and price."""
    if not isinstance(spec, dict):
        raise refuse(f"lines[{position}] must be an object")
    sku = spec.get("sku")
    listing = state.listings.get((order.seller_id, str(sku))) if sku else None
    offer = listing.offers.get(order.marketplace_id) if listing else None
    price = spec.get("unitPrice", offer.price if offer and offer.price > 0 else None)
    if price is None:
        raise refuse(f"lines[{position}].unitPrice is required for a SKU without an offer")
    quantity = spec.get("quantity", 1)
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise refuse(f"lines[{position}].quantity must be a whole number of at least 1")
    line = OrderLine(
        order_item_id=str(spec.get("orderItemId") or f"7{int(state.next_id()):013d}"),
        asin=str(spec.get("asin") or (listing.asin if listing else f"B0STAGED{position:02d}")),
        sku=str(sku) if sku else None,
        title=str(
            spec.get("title")
            or (listing.title_in(order.marketplace_id) if listing else f"Item {sku}")
        ),
        quantity=quantity,
        unit_price=amount(price, f"lines[{position}].unitPrice", order.currency),
    )
    for key, attribute in LINE_MONEY.items():
        if key in spec:
            setattr(line, attribute, amount(spec[key], f"lines[{position}].{key}", order.currency))
    given = {attribute for key, attribute in LINE_MONEY.items() if key in spec}
    _default_taxes(line, order.marketplace_id, order.currency, given)
    line.promotion_ids = [str(p) for p in spec.get("promotionIds", [])]
    if line.promotion_discount and not line.promotion_ids:
        line.promotion_ids = [f"PROMO-{line.order_item_id[-6:]}"]
    return line


def _address(country: str, ship_to: dict[str, Any]) -> dict[str, str]:
    name, line1, city, region, postal = ADDRESSES.get(
        country, ("Sam Buyer", "1 Market Street", "Springfield", "", "00000")
    )
    address = {
        "name": name,
        "addressLine1": line1,
        "city": city,
        "postalCode": postal,
        "countryCode": country,
        "addressType": "RESIDENTIAL",
    }
    if region:
        address["stateOrRegion"] = region
    address.update({k: str(v) for k, v in ship_to.items() if k in ADDRESS_KEYS and v is not None})
    # An empty value leaves the field out, as Amazon does when it does not know it.
    return {k: v for k, v in address.items() if v != ""}


def _time(value: Any, name: str, now: datetime) -> datetime:
    moment = parse_time(str(value), name) if value is not None else now
    assert moment is not None
    if moment > now:
        raise refuse(f"{name} cannot be after the sandbox's clock ({now.isoformat()})")
    return moment


def _fulfilled_by(state: SandboxState, order: Order, lines: list[Any]) -> str:
    """AMAZON when every chosen SKU is FBA in the order's marketplace, else MERCHANT."""
    channels = set()
    for spec in lines:
        listing = state.listings.get((order.seller_id, str(spec.get("sku"))))
        offer = listing.offers.get(order.marketplace_id) if listing else None
        channels.add(offer is not None and offer.fulfillment != "DEFAULT")
    return "AMAZON" if channels == {True} else "MERCHANT"


def apply_changes(state: SandboxState, order: Order, body: dict[str, Any]) -> None:
    """Set the fields `body` names on `order` (the vocabulary of a staged order)."""
    now = state.clock.now()
    if "currency" in body:
        order.currency = str(body["currency"])
    if "purchaseTime" in body:
        order.created = _time(body["purchaseTime"], "purchaseTime", now)
    if "lines" in body:
        if not isinstance(body["lines"], list) or not body["lines"]:
            raise refuse("lines must list at least one line")
        order.lines = [_line(state, order, spec, n) for n, spec in enumerate(body["lines"])]
    if "fulfilledBy" in body:
        if body["fulfilledBy"] not in ("MERCHANT", "AMAZON"):
            raise refuse("fulfilledBy must be MERCHANT or AMAZON")
        order.fulfilled_by = body["fulfilledBy"]
    if "shipTo" in body:
        ship_to = dict(body["shipTo"] or {})
        country = str(ship_to.get("countryCode") or order.address.get("countryCode"))
        order.address = _address(country, {**order.address, **ship_to})
    if "buyer" in body:
        given = {k: str(v) for k, v in (body["buyer"] or {}).items() if k in BUYER_KEYS}
        order.buyer = {**order.buyer, **given}
    for key, attribute in (("sellerOrderId", "seller_order_id"), ("serviceLevel", "service_level")):
        if key in body:
            setattr(order, attribute, body[key])
    if "programs" in body:
        order.programs = [str(p) for p in body["programs"]]
    if "malformed" in body:
        order.malformed = bool(body["malformed"])
    if "status" in body:
        _set_status(state, order, str(body["status"]))


def _set_status(state: SandboxState, order: Order, status: str) -> None:
    if status not in ALL_STATUSES:
        raise refuse(f"status must be one of {', '.join(ALL_STATUSES)}")
    was_shipped = order.status == "SHIPPED"
    order.status = status
    if status in ("SHIPPED", "PARTIALLY_SHIPPED"):
        shipped = order.lines if status == "SHIPPED" else order.lines[:1]
        for line in shipped:
            line.quantity_shipped = line.quantity
        if status == "SHIPPED" and not was_shipped:
            book_shipment(state, order)


def _touch(state: SandboxState, order: Order, body: dict[str, Any]) -> None:
    """Move the order's last-updated time: to `lastUpdatedTime` if given, else to now."""
    now = state.clock.now()
    updated = _time(body.get("lastUpdatedTime"), "lastUpdatedTime", now)
    if updated < order.created:
        raise refuse("lastUpdatedTime cannot be before the purchase time")
    order.last_updated = updated


def _seller(state: SandboxState, body: dict[str, Any]) -> tuple[Seller, str]:
    seller = state.sellers.get(str(body.get("sellerId")))
    if seller is None:
        raise refuse("unknown sellerId", 404)
    marketplace_id = str(body.get("marketplaceId") or seller.marketplace_ids[0])
    if marketplace_id not in seller.marketplace_ids:
        raise refuse(f"the seller does not sell on {marketplace_id}")
    return seller, marketplace_id


def stage_order(state: SandboxState, body: dict[str, Any]) -> Order:
    """A new order built exactly from `body` (see docs/amazon.md, "Staging orders")."""
    seller, marketplace_id = _seller(state, body)
    market = BY_ID[marketplace_id]
    order_id = str(body.get("orderId") or _new_order_id(state, seller))
    if order_id in state.orders:
        raise refuse(f"order {order_id} already exists", 409)
    now = state.clock.now()
    country = "GB" if market.country == "UK" else market.country
    order = Order(
        order_id=order_id,
        seller_id=seller.seller_id,
        marketplace_id=marketplace_id,
        created=now,
        last_updated=now,
        status="UNSHIPPED",
        fulfilled_by="MERCHANT",
        service_level="Standard",
        currency=market.currency,
        lines=[],
        address=_address(country, {}),
        buyer={"buyerName": ADDRESSES.get(country, ("Sam Buyer",))[0]},
    )
    order.buyer["buyerEmail"] = f"{order_id}@marketplace.amazon"
    if "lines" in body and isinstance(body["lines"], list):
        order.fulfilled_by = _fulfilled_by(state, order, body["lines"])
    apply_changes(state, order, {"status": "UNSHIPPED", **body})
    _touch(state, order, {"lastUpdatedTime": body.get("lastUpdatedTime") or now})
    state.orders[order.order_id] = order
    return order


def _new_order_id(state: SandboxState, seller: Seller) -> str:
    prefix = {"NA": "114", "EU": "305", "FE": "503"}.get(seller.region, "114")
    serial = int(state.next_id())
    return f"{prefix}-{serial % 10**7:07d}-{serial * 7919 % 10**7:07d}"


def _problem(error: ApiError) -> JSONResponse:
    return JSONResponse({"error": error.message}, status_code=error.status)


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _known(state: SandboxState, order_id: str) -> Order:
    order = state.orders.get(order_id)
    if order is None:
        raise refuse("unknown order", 404)
    return order


async def update_order(request: Request) -> Response:
    """PATCH /_sandbox/orders/{orderId}: change any field; the order's update time moves."""
    state = state_of(request)
    body = await _body(request)
    try:
        order = copy.deepcopy(_known(state, request.path_params["orderId"]))
        for key in ("sellerId", "marketplaceId", "orderId"):
            if key in body:
                raise refuse(f"{key} cannot change")
        apply_changes(state, order, body)
        _touch(state, order, body)
    except ApiError as error:
        return _problem(error)
    state.orders[order.order_id] = order
    return JSONResponse({"order": render_order(order, ALL_DATA)})


async def repair_order(request: Request) -> Response:
    """POST /_sandbox/orders/{orderId}/repair: a malformed order is served well-formed again."""
    state = state_of(request)
    try:
        order = _known(state, request.path_params["orderId"])
    except ApiError as error:
        return _problem(error)
    order.malformed = False
    order.last_updated = state.clock.now()
    return JSONResponse({"order": render_order(order, ALL_DATA)})


async def staged_order(request: Request, body: dict[str, Any]) -> Response:
    """The answer to `POST /_sandbox/orders` with `lines`: the staged order, or why not."""
    try:
        order = stage_order(state_of(request), body)
    except ApiError as error:
        return _problem(error)
    return JSONResponse({"order": render_order(order, ALL_DATA)}, status_code=201)


ROUTES = [
    Route("/_sandbox/orders/{orderId}", update_order, methods=["PATCH"]),
    Route("/_sandbox/orders/{orderId}/repair", repair_order, methods=["POST"]),
]
