"""What every sandbox operation shares: auth, faults, rate limits, request ids, error bodies."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from skuport.sandbox import roles
from skuport.sandbox.faults import Faults
from skuport.sandbox.ratelimit import RateLimiter
from skuport.sandbox.state import SandboxState, Seller

logger = logging.getLogger("skuport.sandbox")

Handler = Callable[[Request, Seller], Awaitable[Response]]

QUOTA_EXCEEDED = {
    "code": "QuotaExceeded",
    "message": "You exceeded your quota for the requested resource.",
}


class ApiError(Exception):
    """Raised by handlers to answer with Amazon's `{"errors": [...]}` body."""

    def __init__(self, status: int, code: str, message: str, details: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def error_body(code: str, message: str, details: str | None = None) -> dict[str, Any]:
    """Amazon's error list with one error."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"errors": [error]}


def request_id() -> str:
    """A fresh request id in Amazon's uuid style."""
    return str(uuid.uuid4())


def json_response(body: Any, status: int = 200, rate: float | None = None) -> JSONResponse:
    """A JSON answer carrying Amazon's headers."""
    headers = {"x-amzn-RequestId": request_id()}
    if rate is not None:
        headers["x-amzn-RateLimit-Limit"] = str(rate)
    return JSONResponse(body, status_code=status, headers=headers)


def iso(moment: datetime) -> str:
    """Amazon's timestamp format."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str | None, name: str) -> datetime | None:
    """Parse an ISO-8601 query parameter, or answer 400 InvalidInput."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise ApiError(400, "InvalidInput", f"{name} is not a valid ISO 8601 date") from error
    if moment.tzinfo is None:
        raise ApiError(400, "InvalidInput", f"{name} must include a time zone")
    return moment


def csv_param(request: Request, name: str) -> list[str]:
    """A comma-joined (or repeated) array query parameter."""
    values: list[str] = []
    for raw in request.query_params.getlist(name):
        values += [v for v in raw.split(",") if v]
    return values


class Sandbox:
    """The running sandbox: state, limits, faults and the operation wrapper."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.limits = RateLimiter()
        self.faults = Faults()
        self.ticks: list[Callable[[], None]] = []

    def tick(self) -> None:
        """Let virtual time act: finish feeds, reports and listing changes that are due."""
        for tick in self.ticks:
            tick()

    def seller_for_token(self, token: str | None) -> Seller | str | None:
        """The seller of an access token; "expired" for an expired one."""
        if not token or token not in self.state.access_tokens:
            return None
        seller_id, expires = self.state.access_tokens[token]
        if self.state.clock.now() >= expires:
            return "expired"
        return self.state.sellers.get(seller_id)

    async def serve(self, name: str, handler: Handler, request: Request) -> Response:
        """Answer `request` with `handler` behind Amazon's front door for operation `name`."""
        self.tick()
        seller = self.seller_for_token(request.headers.get("x-amz-access-token"))
        if not isinstance(seller, Seller):
            details = (
                "The access token you provided has expired."
                if seller == "expired"
                else "The access token you provided is revoked, malformed or invalid."
            )
            body = error_body("Unauthorized", "Access to requested resource is denied.", details)
            return self._dated(json_response(body, 403))
        if not roles.allowed(seller.roles, name):
            # Amazon's answer to an application without the operation's role: the token is
            # fine, so the details say nothing about it.
            body = error_body("Unauthorized", "Access to requested resource is denied.", "")
            return self._dated(json_response(body, 403))
        refusal = await self._fault(name)
        if refusal is not None:
            return self._dated(refusal)
        if not self.limits.allow(seller.seller_id, name, self.state.clock.now()):
            return self._dated(json_response({"errors": [QUOTA_EXCEEDED]}, 429))
        return self._dated(await self._run(name, handler, request, seller))

    def _dated(self, response: Response) -> Response:
        """Every answer carries Amazon's clock in the HTTP `Date` header."""
        response.headers["date"] = format_datetime(self.state.amazon_now(), usegmt=True)
        return response

    async def _fault(self, name: str) -> Response | None:
        """The answer of an injected fault for this call of `name`, if one fires."""
        fault = self.faults.take(name, self.state.clock.now())
        if fault is None:
            return None
        if fault.kind == "429":
            return json_response({"errors": [QUOTA_EXCEEDED]}, 429)
        if fault.kind in ("500", "503"):
            body = error_body(
                "InternalFailure" if fault.kind == "500" else "ServiceUnavailable",
                "We encountered an internal error. Please try again.",
            )
            return json_response(body, int(fault.kind))
        if fault.kind == "slow":
            self.state.clock.advance(timedelta(seconds=fault.delay))
            await asyncio.sleep(fault.delay)
        return None

    async def _run(self, name: str, handler: Handler, request: Request, seller: Seller) -> Response:
        """Run the handler, turning its errors into Amazon's error answers."""
        try:
            response = await handler(request, seller)
        except ApiError as error:
            body = error_body(error.code, error.message, error.details)
            return json_response(body, error.status, self.limits.rate(name))
        except (ValueError, TypeError, KeyError) as error:
            # A parameter or body the handler could not read: Amazon answers 400.
            body = error_body("InvalidInput", f"Invalid input: {error}")
            return json_response(body, 400, self.limits.rate(name))
        except Exception:  # the fake must fail like Amazon, never with a stack trace
            logger.exception("sandbox operation %s failed", name)
            body = error_body("InternalFailure", "We encountered an internal error.")
            return json_response(body, 500)
        response.headers["x-amzn-RequestId"] = request_id()
        response.headers["x-amzn-RateLimit-Limit"] = str(self.limits.rate(name))
        return response


def sandbox_of(request: Request) -> Sandbox:
    """The sandbox serving `request` (its app's `state.sandbox`)."""
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


def state_of(request: Request) -> SandboxState:
    """The state of the sandbox serving `request`."""
    return sandbox_of(request).state


def operation(name: str, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint of SP-API operation `name`: `handler` behind Amazon's front door."""

    async def endpoint(request: Request) -> Response:
        return await sandbox_of(request).serve(name, handler, request)

    endpoint.__name__ = name
    return endpoint
