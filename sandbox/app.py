"""The sandbox Amazon as a Starlette app."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse

from skuport.sandbox import (
    api_catalog_items,
    api_documents,
    api_listings,
    api_money,
    api_orders,
    api_schedules,
    control,
    control_catalog,
    control_families,
    control_orders,
    control_returns,
    lwa,
)
from skuport.sandbox.api_documents import advance_jobs
from skuport.sandbox.api_schedules import run_schedules
from skuport.sandbox.clock import SandboxClock
from skuport.sandbox.http import Sandbox, error_body
from skuport.sandbox.listings_logic import apply_due
from skuport.sandbox.seed import build_state


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    body = error_body("NotFound", f"Resource {request.url.path} is not found.")
    return JSONResponse(body, status_code=404)


async def _method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
    body = error_body("MethodNotAllowed", f"{request.method} is not allowed on {request.url.path}.")
    return JSONResponse(body, status_code=405)


ROUTES = [
    *lwa.ROUTES,
    *control_returns.ROUTES,  # before control's generic order actions too
    *control_orders.ROUTES,  # before control's: /orders/{orderId}/repair is no generic action
    *control_catalog.ROUTES,
    *control_families.ROUTES,
    *control.ROUTES,
    *api_orders.ROUTES,
    *api_catalog_items.ROUTES,
    *api_listings.ROUTES,
    *api_documents.ROUTES,
    *api_schedules.ROUTES,
    *api_money.ROUTES,
]


def create_sandbox_app(
    *, seed: int, size: str = "demo", clock: SandboxClock | None = None
) -> Starlette:
    """A fresh sandbox Amazon seeded with `seed`; `app.state.sandbox` gives tests its state.

    Every handler finds the sandbox through `request.app.state.sandbox`
    (`skuport.sandbox.http.sandbox_of`), so the route tables are plain module constants.
    """
    state = build_state(seed, size, clock or SandboxClock())
    sandbox = Sandbox(state)
    # Each call lets virtual time act: schedules create reports, then due listing changes
    # apply, then feeds and reports move along.
    sandbox.ticks += [
        lambda: run_schedules(state),
        lambda: apply_due(state),
        lambda: advance_jobs(state),
    ]
    app = Starlette(routes=ROUTES, exception_handlers={404: _not_found, 405: _method_not_allowed})
    app.state.sandbox = sandbox
    return app
