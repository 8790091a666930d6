"""Staging refunds, customer returns and reimbursements through the control API (BX-1).

- `POST /_sandbox/orders/{orderId}/refund` `{"items": [{"sku", "quantity", "amount"?}],
  "shipping"?: bool}`: a RefundEvent in the seller's open payout (no items: every unrefunded
  unit, with shipping). Answers `{"refund": <RefundEvent>}`.
- `POST /_sandbox/orders/{orderId}/return` `{"sku", "quantity", "disposition", "reason",
  "received"?}`: a row of the FBA returns report (FBA orders) or of the merchant-fulfilled
  returns report (other orders; `received` fills its delivery date).
- `POST /_sandbox/returns/revise` `{"orderId", "sku", "disposition"}`: Amazon revises the
  disposition of an FBA return; the row shows again, same return date, new disposition.
- `POST /_sandbox/reimbursements` `{"orderId"?, "sku", "quantity", "kind", "amount"}`: kind is
  "SAFE-T", "FBA lost", "FBA damaged" or "FBA customer return".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from skuport.sandbox.http import ApiError, iso, state_of
from skuport.sandbox.returns_state import (
    REIMBURSEMENT_TYPES,
    CustomerReturn,
    book_reimbursement,
    order_line,
    quantity_of,
    refuse,
    revise_return,
    stage_refund,
    stage_return,
)
from skuport.sandbox.state import BY_ID, WHOLE_CURRENCIES, Order, SandboxState


def _problem(error: ApiError) -> JSONResponse:
    return JSONResponse({"error": error.message}, status_code=error.status)


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _order(state: SandboxState, order_id: Any) -> Order:
    order = state.orders.get(str(order_id))
    if order is None:
        raise refuse("unknown order", 404)
    return order


def render_return(row: CustomerReturn) -> dict[str, Any]:
    """A staged return as the control API answers it."""
    return {
        "orderId": row.order_id,
        "sku": row.sku,
        "quantity": row.quantity,
        "channel": "FBA" if row.fulfilled_by == "AMAZON" else "MFN",
        "disposition": row.disposition,
        "reason": row.reason,
        "returnDate": iso(row.returned),
        "licensePlateNumber": row.license_plate if row.fulfilled_by == "AMAZON" else None,
        "rmaId": row.rma_id if row.fulfilled_by != "AMAZON" else None,
        "received": row.received,
        "revised": iso(row.revised) if row.revised else None,
    }


async def refund(request: Request) -> Response:
    """POST /_sandbox/orders/{orderId}/refund."""
    state = state_of(request)
    body = await _body(request)
    try:
        event = stage_refund(state, _order(state, request.path_params["orderId"]), body)
    except ApiError as error:
        return _problem(error)
    return JSONResponse({"refund": event}, status_code=201)


async def customer_return(request: Request) -> Response:
    """POST /_sandbox/orders/{orderId}/return."""
    state = state_of(request)
    body = await _body(request)
    try:
        row = stage_return(state, _order(state, request.path_params["orderId"]), body)
    except ApiError as error:
        return _problem(error)
    return JSONResponse({"return": render_return(row)}, status_code=201)


async def revise(request: Request) -> Response:
    """POST /_sandbox/returns/revise."""
    try:
        row = revise_return(state_of(request), await _body(request))
    except ApiError as error:
        return _problem(error)
    return JSONResponse({"return": render_return(row)})


def _reimbursement_detail(state: SandboxState, body: dict[str, Any]) -> dict[str, Any]:
    """Who is reimbursed what: the seller, marketplace and currency come from the order (if
    named) or else from the seller's listing of the SKU."""
    kind = body.get("kind")
    if kind not in REIMBURSEMENT_TYPES:
        raise refuse(f"kind must be one of {', '.join(REIMBURSEMENT_TYPES)}")
    sku = body.get("sku")
    if not isinstance(sku, str) or not sku:
        raise refuse("sku is required")
    order = _order(state, body["orderId"]) if body.get("orderId") else None
    if order is not None:
        line = order_line(order, sku)
        seller_id, marketplace_id, asin, title = (
            order.seller_id,
            order.marketplace_id,
            line.asin,
            line.title,
        )
    else:
        listing = next((lst for lst in state.listings.values() if lst.sku == sku), None)
        if listing is None:
            raise refuse(f"no listing with SKU {sku!r}", 404)
        seller_id, asin, title = listing.seller_id, listing.asin, listing.title
        marketplace_id = next(iter(listing.offers), state.sellers[seller_id].marketplace_ids[0])
    currency = BY_ID[marketplace_id].currency
    try:
        money = Decimal(str(body.get("amount")))
    except InvalidOperation as error:
        raise refuse("amount is not an amount") from error
    if not money.is_finite() or money <= 0:
        raise refuse("amount must be a positive amount")
    money = money.quantize(Decimal(1) if currency in WHOLE_CURRENCIES else Decimal("0.01"))
    return {
        "kind": kind,
        "seller_id": seller_id,
        "order_id": order.order_id if order else None,
        "marketplace_id": marketplace_id,
        "sku": sku,
        "asin": asin,
        "title": title,
        "quantity": quantity_of(body.get("quantity", 1), 10_000),
        "amount": money,
        "currency": currency,
    }


async def reimburse(request: Request) -> Response:
    """POST /_sandbox/reimbursements."""
    state = state_of(request)
    try:
        transaction = book_reimbursement(state, _reimbursement_detail(state, await _body(request)))
    except ApiError as error:
        return _problem(error)
    return JSONResponse({"reimbursement": transaction}, status_code=201)


ROUTES = [
    Route("/_sandbox/orders/{orderId}/refund", refund, methods=["POST"]),
    Route("/_sandbox/orders/{orderId}/return", customer_return, methods=["POST"]),
    Route("/_sandbox/returns/revise", revise, methods=["POST"]),
    Route("/_sandbox/reimbursements", reimburse, methods=["POST"]),
]
