"""Amazon's published usage plans, enforced per (seller, operation) in virtual time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# SPAPI.md §2.1 default usage plans: operation -> (rate per second, burst).
USAGE_PLANS: dict[str, tuple[float, int]] = {
    "getMarketplaceParticipations": (0.016, 15),
    "searchOrders": (0.0056, 20),
    "getOrder": (0.5, 30),
    "confirmShipment": (2, 10),
    "searchCatalogItems": (2, 2),
    "getCatalogItem": (2, 2),
    "getListingsItem": (5, 10),
    "putListingsItem": (5, 10),
    "patchListingsItem": (5, 5),
    "deleteListingsItem": (5, 5),
    "searchListingsItems": (5, 5),
    "createFeedDocument": (0.5, 15),
    "createFeed": (0.0083, 15),
    "getFeed": (2, 15),
    "getFeeds": (0.0222, 10),
    "cancelFeed": (2, 15),
    "getFeedDocument": (0.0222, 10),
    "createReport": (0.0167, 15),
    "getReport": (2, 15),
    "getReports": (0.0222, 10),
    "cancelReport": (0.0222, 10),
    "getReportDocument": (0.0167, 15),
    "createReportSchedule": (0.0222, 10),
    "getReportSchedules": (0.0222, 10),
    "cancelReportSchedule": (0.0222, 10),
    "listFinancialEventGroups": (0.5, 30),
    "listFinancialEvents": (0.5, 30),
    "listFinancialEventsByGroupId": (0.5, 30),
    "listFinancialEventsByOrderId": (0.5, 30),
    "listTransactions": (0.5, 10),
}


@dataclass
class Bucket:
    """Amazon's token bucket for one seller's operation."""

    rate: float
    burst: int
    tokens: float
    updated: datetime

    def try_take(self, now: datetime) -> bool:
        """Take a token if one is there (refilling for the virtual time passed)."""
        elapsed = (now - self.updated).total_seconds()
        if elapsed > 0:
            self.tokens = min(float(self.burst), self.tokens + elapsed * self.rate)
            self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class RateLimiter:
    """All buckets; `enabled` False lets benchmarks or demos ignore limits."""

    def __init__(self) -> None:
        self.buckets: dict[tuple[str, str], Bucket] = {}
        self.plans: dict[str, tuple[float, int]] = dict(USAGE_PLANS)
        self.enabled = True

    def set_plan(self, operation: str, rate: float, burst: int) -> None:
        """Change an operation's plan (Amazon's dynamic usage plans), for every seller."""
        self.plans[operation] = (rate, burst)
        for (_, name), bucket in self.buckets.items():
            if name == operation:
                bucket.rate, bucket.burst = rate, burst

    def allow(self, seller_id: str, operation: str, now: datetime) -> bool:
        """Whether this call fits the seller's usage plan for the operation."""
        if not self.enabled:
            return True
        key = (seller_id, operation)
        if key not in self.buckets:
            rate, burst = self.plans.get(operation, (1.0, 5))
            self.buckets[key] = Bucket(rate, burst, float(burst), now)
        return self.buckets[key].try_take(now)

    def rate(self, operation: str) -> float:
        """The rate announced in `x-amzn-RateLimit-Limit`."""
        return self.plans.get(operation, (1.0, 5))[0]
