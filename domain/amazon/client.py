"""The SP-API transport: auth header, token buckets, retries with backoff, one log line a call."""

from __future__ import annotations

import asyncio
import json as json_module
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from skuport.domain.amazon.auth import LwaTokens
from skuport.domain.amazon.config import StoreCredentials
from skuport.domain.amazon.errors import (
    AmazonError,
    AmazonUnavailableError,
    MalformedPayloadError,
    MissingRoleError,
    ReauthoriseStoreError,
    ServerError,
    SpApiError,
    ThrottledError,
)
from skuport.domain.amazon.roles import role_for
from skuport.domain.amazon.throttle import Sleep, Throttle
from skuport.domain.clock import Clock, SystemClock

logger = logging.getLogger("skuport.amazon")

USER_AGENT = "Skuport/0.1 (Language=Python)"


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to insist: attempts per call and the exponential backoff bounds (seconds).

    Throttling (429) is Amazon asking us to slow down, not failing: a throttled call keeps
    waiting for its bucket (refilled at the announced or published rate) until it has been
    throttled for `max_throttled_seconds`, however many attempts that takes.
    """

    max_attempts: int = 8
    base_delay: float = 1.0
    max_delay: float = 120.0
    max_throttled_seconds: float = 3600.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Jittered exponential backoff before retry number `attempt` (1-based)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


@dataclass(frozen=True)
class ApiResponse:
    """A successful answer: status, parsed JSON body (or None) and Amazon's request id."""

    status: int
    body: Any
    request_id: str | None


async def _real_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


class SpApiClient:
    """Calls one store's SP-API endpoint; all operation modules go through `call`."""

    def __init__(
        self,
        store: StoreCredentials,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        throttle: Throttle | None = None,
        tokens: LwaTokens | None = None,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.store = store
        self.clock = clock or SystemClock()
        self._sleep = sleep or _real_sleep
        self.throttle = throttle or Throttle(clock=self.clock, sleep=self._sleep)
        self.tokens = tokens or LwaTokens(clock=self.clock)
        self.retry = retry or RetryPolicy()
        self._rng = rng or random.Random()
        self.amazon_offset = timedelta(0)
        self.http = httpx.AsyncClient(
            transport=transport, timeout=timeout, headers={"user-agent": USER_AGENT}
        )

    async def aclose(self) -> None:
        """Close the underlying HTTP connection pool."""
        await self.http.aclose()

    async def __aenter__(self) -> SpApiClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> ApiResponse:
        """Send one SP-API operation, waiting for its bucket and retrying what is retryable."""
        url = self.store.api_endpoint + path
        query = _clean_params(params)
        refreshed = False
        attempt = 0
        throttled_since: datetime | None = None
        while True:
            attempt += 1
            waited = await self.throttle.acquire(self.store.store_id, operation)
            response = await self._send(operation, method, url, query, json, attempt, waited)
            if response is None:
                continue
            request_id = response.headers.get("x-amzn-RequestId")
            self._log(operation, response.status_code, request_id, waited)
            self._learn_offset(response)
            status = response.status_code
            if status < 300:
                self.throttle.observe_rate(
                    self.store.store_id, operation, response.headers.get("x-amzn-RateLimit-Limit")
                )
                return ApiResponse(status, _body(operation, response), request_id)
            if status in (401, 403):
                if refreshed:
                    raise _denied(self.store.store_id, operation, response)
                refreshed = True
                self.tokens.forget(self.store)
                continue
            if status == 429:
                throttled_since = throttled_since or self.clock.now()
                await self._wait_throttled(
                    operation, response, request_id, attempt, throttled_since
                )
                continue
            await self._retry_or_raise(operation, response, request_id, attempt)

    def amazon_now(self) -> datetime:
        """Amazon's clock as its last `Date` header told it: ours plus the offset learned."""
        return self.clock.now() + self.amazon_offset

    def _learn_offset(self, response: httpx.Response) -> None:
        """Learn how far Amazon's clock is from ours (the `Date` header has whole seconds)."""
        try:
            told = parsedate_to_datetime(response.headers.get("date", ""))
        except (TypeError, ValueError):
            return
        if told.tzinfo is None:
            return
        offset = told - self.clock.now()
        # A second's rounding and the time on the wire are no skew.
        self.amazon_offset = offset if abs(offset) > timedelta(seconds=2) else timedelta(0)

    async def _send(
        self,
        operation: str,
        method: str,
        url: str,
        query: dict[str, str] | None,
        json: Any,
        attempt: int,
        waited: float,
    ) -> httpx.Response | None:
        """One request with the store's access token; None once a retryable failure backed off."""
        try:
            token = await self.tokens.access_token(self.http, self.store)
        except AmazonUnavailableError:
            # Login with Amazon down or slow: as retryable as the API itself.
            if attempt >= self.retry.max_attempts:
                raise
            await self._backoff(attempt)
            return None
        try:
            return await self.http.request(
                method,
                url,
                params=query,
                json=json,
                headers={"x-amz-access-token": token},
            )
        except httpx.TransportError as error:
            self._log(operation, "timeout" if _is_timeout(error) else "error", None, waited)
            if attempt >= self.retry.max_attempts:
                raise AmazonUnavailableError(f"{operation}: {error!r}") from error
            await self._backoff(attempt)
            return None

    async def _retry_or_raise(
        self, operation: str, response: httpx.Response, request_id: str | None, attempt: int
    ) -> None:
        """A refused call: back off before the next attempt if it is retryable, else raise."""
        status = response.status_code
        if status >= 500:
            if attempt >= self.retry.max_attempts:
                raise _error(ServerError, operation, response, request_id)
            await self._backoff(attempt)
            return
        raise _error(SpApiError, operation, response, request_id)

    async def _wait_throttled(
        self,
        operation: str,
        response: httpx.Response,
        request_id: str | None,
        attempt: int,
        since: datetime,
    ) -> None:
        """A 429: empty the bucket, adopt a rate Amazon announces, and back off; give up only
        once the call has been throttled for `max_throttled_seconds`."""
        store_id = self.store.store_id
        self.throttle.throttled(store_id, operation)
        self.throttle.observe_rate(
            store_id, operation, response.headers.get("x-amzn-RateLimit-Limit")
        )
        throttled_for = (self.clock.now() - since).total_seconds()
        if attempt >= self.retry.max_attempts and throttled_for >= self.retry.max_throttled_seconds:
            raise _error(ThrottledError, operation, response, request_id)
        await self._backoff(attempt)

    async def download(self, url: str) -> bytes:
        """Fetch a presigned document URL (no SP-API token, not throttled), retrying failures."""
        return (await self.download_typed(url))[0]

    async def download_typed(self, url: str) -> tuple[bytes, str]:
        """A presigned document's bytes and its Content-Type header ("" when absent)."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self.http.get(url)
            except httpx.TransportError as error:
                if attempt >= self.retry.max_attempts:
                    raise AmazonUnavailableError(f"document download: {error!r}") from error
            else:
                if response.status_code < 300:
                    return response.content, response.headers.get("content-type", "")
                if response.status_code < 500:
                    # An expired presigned URL (403) needs a fresh get*Document call.
                    raise AmazonError(f"document download refused: HTTP {response.status_code}")
                if attempt >= self.retry.max_attempts:
                    raise AmazonUnavailableError(f"document download: HTTP {response.status_code}")
            await self._backoff(attempt)

    async def upload(self, url: str, content: bytes, content_type: str) -> None:
        """PUT a feed document to its presigned URL with the declared content type."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self.http.put(
                    url, content=content, headers={"content-type": content_type}
                )
            except httpx.TransportError as error:
                if attempt >= self.retry.max_attempts:
                    raise AmazonUnavailableError(f"document upload: {error!r}") from error
            else:
                if response.status_code < 300:
                    return
                if response.status_code < 500 or attempt >= self.retry.max_attempts:
                    raise AmazonError(f"document upload refused: HTTP {response.status_code}")
            await self._backoff(attempt)

    async def _backoff(self, attempt: int) -> None:
        await self._sleep(self.retry.delay(attempt, self._rng))

    def _log(self, operation: str, status: object, request_id: str | None, waited: float) -> None:
        # DEBUG: a download makes hundreds of calls; a run's outcome is logged once, at INFO.
        logger.debug(
            "spapi store=%s operation=%s status=%s request_id=%s waited=%.3fs",
            self.store.store_id,
            operation,
            status,
            request_id,
            waited,
        )


def _body(operation: str, response: httpx.Response) -> Any:
    """The JSON body; numbers (Finances amounts) become Decimal, never float."""
    if not response.content:
        return None
    try:
        return json_module.loads(response.content, parse_float=Decimal)
    except ValueError as error:
        raise MalformedPayloadError(operation, "the answer is not JSON") from error


def _is_timeout(error: Exception) -> bool:
    return isinstance(error, httpx.TimeoutException)


def _clean_params(params: dict[str, Any] | None) -> dict[str, str] | None:
    """Drop Nones and comma-join lists, as SP-API query strings expect."""
    if not params:
        return None
    clean: dict[str, str] = {}
    for key, value in params.items():
        if value is None or value == [] or value == ():
            continue
        if isinstance(value, (list, tuple)):
            clean[key] = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            clean[key] = "true" if value else "false"
        else:
            clean[key] = str(value)
    return clean


def _first_error(response: httpx.Response) -> tuple[str, str, str | None]:
    try:
        errors = response.json().get("errors") or []
        first = errors[0]
        return str(first.get("code", "")), str(first.get("message", "")), first.get("details")
    except (ValueError, AttributeError, IndexError, TypeError):
        return f"HTTP{response.status_code}", response.text[:200], None


# What Amazon's 403 details say when the token, not the application's roles, is the problem.
TOKEN_PROBLEMS = ("expired", "revoked", "malformed", "invalid")


def _denied(store_id: str, operation: str, response: httpx.Response) -> AmazonError:
    """A 403 that a fresh access token did not cure: a role the application lacks (Amazon's
    `Unauthorized` without token details), or an authorisation that no longer works."""
    code, message, details = _first_error(response)
    if code == "Unauthorized" and not any(p in (details or "").lower() for p in TOKEN_PROBLEMS):
        return MissingRoleError(
            store_id, operation, role_for(operation), f"Amazon said: {message or 'denied'}"
        )
    return ReauthoriseStoreError(store_id, message or "access denied")


def _error(
    kind: type[SpApiError], operation: str, response: httpx.Response, request_id: str | None
) -> SpApiError:
    code, message, details = _first_error(response)
    return kind(
        operation=operation,
        status=response.status_code,
        code=code,
        message=message,
        request_id=request_id,
        details=details,
    )
