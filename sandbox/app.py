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
    lwa,
)
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


def create_sandbox_app(
    *, seed: int, size: str = "demo", clock: SandboxClock | None = None
) -> Starlette:
    """A fresh sandbox Amazon seeded with `seed`; `app.state.sandbox` gives tests its state."""
    state = build_state(seed, size, clock or SandboxClock())
    sandbox = Sandbox(state)
    sandbox.ticks.append(lambda: apply_due(state))
    routes = [
        *lwa.register(sandbox),
        *control.register(sandbox),
        *api_orders.register(sandbox),
        *api_catalog_items.register(sandbox),
        *api_listings.register(sandbox),
        *api_documents.register(sandbox),
        *api_schedules.register(sandbox, api_documents.REPORT_TYPES),
        *api_money.register(sandbox),
    ]
    app = Starlette(routes=routes, exception_handlers={404: _not_found, 405: _method_not_allowed})
    app.state.sandbox = sandbox
    return app
