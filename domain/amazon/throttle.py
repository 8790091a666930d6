"""Token buckets per (store, operation), seeded with Amazon's published default usage plans."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from skuport.domain.clock import Clock

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RateLimit:
    """A usage plan: `rate` requests per second refill, at most `burst` saved up."""

    rate: float
    burst: int


# SPAPI.md §2.1: Amazon's default usage plans; a seller's live plan may be higher.
PUBLISHED_LIMITS: dict[str, RateLimit] = {
    "getMarketplaceParticipations": RateLimit(0.016, 15),
    "searchOrders": RateLimit(0.0056, 20),
    "getOrder": RateLimit(0.5, 30),
    "confirmShipment": RateLimit(2, 10),
    "searchCatalogItems": RateLimit(2, 2),
    "getCatalogItem": RateLimit(2, 2),
    "getListingsItem": RateLimit(5, 10),
    "putListingsItem": RateLimit(5, 10),
    "patchListingsItem": RateLimit(5, 5),
    "deleteListingsItem": RateLimit(5, 5),
    "searchListingsItems": RateLimit(5, 5),
    "createFeedDocument": RateLimit(0.5, 15),
    "createFeed": RateLimit(0.0083, 15),
    "getFeed": RateLimit(2, 15),
    "getFeeds": RateLimit(0.0222, 10),
    "cancelFeed": RateLimit(2, 15),
    "getFeedDocument": RateLimit(0.0222, 10),
    "createReport": RateLimit(0.0167, 15),
    "getReport": RateLimit(2, 15),
    "getReports": RateLimit(0.0222, 10),
    "cancelReport": RateLimit(0.0222, 10),
    "getReportDocument": RateLimit(0.0167, 15),
    "createReportSchedule": RateLimit(0.0222, 10),
    "getReportSchedules": RateLimit(0.0222, 10),
    "cancelReportSchedule": RateLimit(0.0222, 10),
    "listFinancialEventGroups": RateLimit(0.5, 30),
    "listFinancialEvents": RateLimit(0.5, 30),
    "listFinancialEventsByGroupId": RateLimit(0.5, 30),
    "listFinancialEventsByOrderId": RateLimit(0.5, 30),
    "listTransactions": RateLimit(0.5, 10),
}
DEFAULT_LIMIT = RateLimit(1, 5)
EPSILON = 1e-6


class TokenBucket:
    """Holds at most `burst` tokens, refills at `rate` per second; one token per call."""

    def __init__(self, limit: RateLimit, now: float) -> None:
        self.rate = limit.rate
        self.burst = limit.burst
        self.tokens = float(limit.burst)
        self.updated = now

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(float(self.burst), self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def wait_time(self, now: float) -> float:
        """Seconds until a token is available."""
        self._refill(now)
        if self.tokens >= 1 - EPSILON:
            return 0.0
        # Round up to whole milliseconds: clocks keep microseconds, and a wait too small to
        # move the clock would never refill the bucket.
        return math.ceil((1 - self.tokens) / self.rate * 1000) / 1000

    def take(self, now: float) -> None:
        """Consume one token (the caller has waited `wait_time`)."""
        self._refill(now)
        self.tokens = max(0.0, self.tokens - 1)
        if self.tokens < EPSILON:
            self.tokens = 0.0

    def empty(self, now: float) -> None:
        """Amazon said 429: assume its bucket is empty whatever ours believed."""
        self._refill(now)
        self.tokens = 0.0


class Throttle:
    """The buckets of every store and operation; waits go through the injected sleep."""

    def __init__(
        self,
        *,
        clock: Clock,
        sleep: Sleep,
        limits: dict[str, RateLimit] | None = None,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._limits = dict(PUBLISHED_LIMITS if limits is None else limits)
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    def _seconds(self) -> float:
        return self._clock.now().timestamp()

    def bucket(self, store_id: str, operation: str) -> TokenBucket:
        """The bucket for one store's operation (created full on first use)."""
        key = (store_id, operation)
        if key not in self._buckets:
            limit = self._limits.get(operation, DEFAULT_LIMIT)
            self._buckets[key] = TokenBucket(limit, self._seconds())
        return self._buckets[key]

    async def acquire(self, store_id: str, operation: str) -> float:
        """Wait for and take a token; returns the seconds waited."""
        bucket = self.bucket(store_id, operation)
        waited = 0.0
        while (delay := bucket.wait_time(self._seconds())) > 0:
            await self._sleep(delay)
            waited += delay
        bucket.take(self._seconds())
        return waited

    def observe_rate(self, store_id: str, operation: str, header: str | None) -> None:
        """Adopt the live rate Amazon announced in `x-amzn-RateLimit-Limit`."""
        if not header:
            return
        try:
            rate = float(header)
        except ValueError:
            return
        if rate > 0:
            self.bucket(store_id, operation).rate = rate

    def throttled(self, store_id: str, operation: str) -> None:
        """Record a 429 for this store's operation."""
        self.bucket(store_id, operation).empty(self._seconds())
