"""Issue 4 — the client: LWA token caching/refresh, token buckets, retries and logging."""

from __future__ import annotations

import logging
from datetime import timedelta

import httpx
import pytest

from skuport.domain.amazon import ReauthoriseStoreError, RetryPolicy, ThrottledError
from skuport.domain.amazon.errors import AmazonUnavailableError, SpApiError
from skuport.domain.amazon.sellers import get_marketplace_participations
from skuport.domain.amazon.throttle import PUBLISHED_LIMITS, RateLimit, Throttle, TokenBucket
from skuport.sandbox.faults import Fault


async def test_access_token_is_cached_until_shortly_before_expiry(make_client, sandbox):
    client = make_client()
    await get_marketplace_participations(client)
    await get_marketplace_participations(client)
    assert client.tokens.exchanges == 1
    sandbox.state.clock.advance(timedelta(minutes=56))
    await get_marketplace_participations(client)
    assert client.tokens.exchanges == 2


async def test_expired_access_token_is_refreshed_once_and_the_call_succeeds(
    make_client, sandbox, na_seller
):
    client = make_client()
    await get_marketplace_participations(client)
    sandbox.state.access_tokens.clear()  # Amazon forgot the token: answers 403
    participations = await get_marketplace_participations(client)
    assert len(participations) == 3
    assert client.tokens.exchanges == 2


async def test_revoked_authorisation_raises_reauthorise_this_store(make_client, na_seller):
    client = make_client(refresh_token="Atzr|not-a-real-token")
    with pytest.raises(ReauthoriseStoreError, match="re-authorise this store"):
        await get_marketplace_participations(client)


async def test_persistent_403_after_refresh_raises_reauthorise(make_client, sandbox):
    client = make_client()
    await get_marketplace_participations(client)
    # Every token the sandbox issues from now on is already expired.
    sandbox.state.settings.token_lifetime = 0
    sandbox.state.access_tokens.clear()
    with pytest.raises(ReauthoriseStoreError):
        await get_marketplace_participations(client)


async def test_unknown_client_secret_is_refused_like_amazon(make_client):
    client = make_client(client_secret="wrong")
    with pytest.raises(ReauthoriseStoreError, match="invalid_client"):
        await get_marketplace_participations(client)


def test_token_bucket_refills_at_the_published_rate_up_to_burst():
    bucket = TokenBucket(RateLimit(rate=0.5, burst=2), now=0.0)
    bucket.take(0.0)
    bucket.take(0.0)
    assert bucket.wait_time(0.0) == pytest.approx(2.0)
    assert bucket.wait_time(2.0) == 0
    assert bucket.wait_time(100.0) == 0 and bucket.tokens == 2


def test_buckets_are_seeded_from_spapi_md_published_limits():
    assert PUBLISHED_LIMITS["searchOrders"] == RateLimit(0.0056, 20)
    assert PUBLISHED_LIMITS["getOrder"] == RateLimit(0.5, 30)
    assert PUBLISHED_LIMITS["createFeed"] == RateLimit(0.0083, 15)


async def test_buckets_are_per_store_and_operation(sandbox):
    clock = sandbox.state.clock
    throttle = Throttle(clock=clock, sleep=clock.sleep, limits={"op": RateLimit(1, 1)})
    assert await throttle.acquire("a", "op") == 0
    assert await throttle.acquire("b", "op") == 0
    assert await throttle.acquire("a", "other") == 0
    assert await throttle.acquire("a", "op") == pytest.approx(1.0)


async def test_rate_limit_header_adjusts_the_bucket(make_client):
    client = make_client()
    await get_marketplace_participations(client)
    bucket = client.throttle.bucket(client.store.store_id, "getMarketplaceParticipations")
    assert bucket.rate == pytest.approx(0.016)
    client.throttle.observe_rate(client.store.store_id, "getMarketplaceParticipations", "0.5")
    assert bucket.rate == 0.5


async def test_client_waits_for_its_bucket_in_virtual_time_and_never_gets_429(make_client, sandbox):
    client = make_client()
    start = sandbox.state.clock.now()
    for _ in range(17):  # burst 15, then 1 per 62.5 s
        await get_marketplace_participations(client)
    elapsed = (sandbox.state.clock.now() - start).total_seconds()
    assert 2 * 62 < elapsed < 2 * 64
    assert not any(b.tokens < 0 for b in sandbox.limits.buckets.values())


async def test_429_storm_is_survived_with_backoff(make_client, sandbox):
    client = make_client()
    sandbox.faults.add(Fault("429", count=5, operation="getMarketplaceParticipations"))
    participations = await get_marketplace_participations(client)
    assert [p.country_code for p in participations] == ["US", "CA", "MX"]
    assert sandbox.faults.pending == []


async def test_throttled_error_after_max_attempts_carries_amazons_code(make_client, sandbox):
    client = make_client(retry=RetryPolicy(max_attempts=3, max_throttled_seconds=0))
    sandbox.faults.add(Fault("429", count=10))
    with pytest.raises(ThrottledError) as error:
        await get_marketplace_participations(client)
    assert error.value.code == "QuotaExceeded"
    assert error.value.status == 429


async def test_5xx_is_retried(make_client, sandbox):
    client = make_client()
    sandbox.faults.add(Fault("500", count=2))
    sandbox.faults.add(Fault("503", count=1))
    assert len(await get_marketplace_participations(client)) == 3


def test_backoff_is_exponential_and_jittered(rng):
    policy = RetryPolicy(base_delay=1, max_delay=60)
    delays = [policy.delay(n, rng) for n in range(1, 9)]
    for attempt, delay in enumerate(delays, start=1):
        ceiling = min(60, 2 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert len(set(delays)) == len(delays)


class TimeoutThenPass(httpx.AsyncBaseTransport):
    """Times out the first `failures` SP-API requests, then hands over to the sandbox."""

    def __init__(self, inner: httpx.AsyncBaseTransport, failures: int) -> None:
        self.inner = inner
        self.failures = failures

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.failures and "/auth/" not in request.url.path:
            self.failures -= 1
            raise httpx.ReadTimeout("simulated timeout", request=request)
        return await self.inner.handle_async_request(request)


async def test_timeouts_are_retried(make_client, sandbox_app):
    transport = TimeoutThenPass(httpx.ASGITransport(app=sandbox_app), failures=2)
    client = make_client(transport=transport)
    assert len(await get_marketplace_participations(client)) == 3


async def test_timeouts_beyond_max_attempts_raise_unavailable(make_client, sandbox_app):
    transport = TimeoutThenPass(httpx.ASGITransport(app=sandbox_app), failures=10)
    client = make_client(transport=transport, retry=RetryPolicy(max_attempts=3))
    with pytest.raises(AmazonUnavailableError):
        await get_marketplace_participations(client)


async def test_every_request_is_logged_with_operation_status_request_id_and_wait(
    make_client, sandbox, caplog
):
    client = make_client()
    sandbox.faults.add(Fault("429", count=1))
    with caplog.at_level(logging.DEBUG, logger="skuport.amazon"):
        await get_marketplace_participations(client)
    assert all(r.levelno == logging.DEBUG for r in caplog.records if r.name == "skuport.amazon")
    lines = [r.getMessage() for r in caplog.records if r.name == "skuport.amazon"]
    assert len(lines) == 2
    assert "operation=getMarketplaceParticipations status=429" in lines[0]
    assert "status=200" in lines[1] and "request_id=" in lines[1] and "waited=" in lines[1]
    assert "request_id=None" not in lines[1]


async def test_client_errors_are_typed_with_amazons_code_message_and_request_id(make_client):
    from skuport.domain.amazon.orders import get_order

    client = make_client()
    with pytest.raises(SpApiError) as error:
        await get_order(client, "111-0000000-0000000")
    assert error.value.status == 404
    assert error.value.code == "NotFound"
    assert error.value.request_id


async def test_dynamic_usage_plan_announced_in_header_speeds_up_paging(make_client, sandbox):
    from skuport.domain.amazon.orders import iter_orders

    sandbox.limits.set_plan("searchOrders", 0.056, 20)  # a seller ten times larger
    client = make_client()
    start = sandbox.state.clock.now()
    count = 0
    async for _ in iter_orders(
        client,
        marketplace_ids=list(client.store.marketplace_ids),
        created_after=start - timedelta(days=60),
        max_results_per_page=1,
    ):
        count += 1
    elapsed = (sandbox.state.clock.now() - start).total_seconds()
    assert client.throttle.bucket(client.store.store_id, "searchOrders").rate == 0.056
    assert elapsed == pytest.approx((count - 20) / 0.056, rel=0.05)


async def test_finance_amounts_stay_exact_decimals(make_client):
    from decimal import Decimal

    from skuport.domain.amazon.finances import iter_financial_event_groups

    client = make_client()
    groups = [g async for g in iter_financial_event_groups(client)]
    assert all(type(g.original_total.amount) is Decimal for g in groups)
    assert all(
        g.original_total.amount == g.original_total.amount.quantize(Decimal("0.01")) for g in groups
    )


async def test_a_non_json_success_body_is_a_malformed_payload(sandbox_app):
    import random

    from skuport.domain.amazon.client import SpApiClient
    from skuport.domain.amazon.config import Region, StoreCredentials
    from skuport.domain.amazon.errors import MalformedPayloadError

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "Atza|x", "expires_in": 3600})
        return httpx.Response(200, content=b"<html>gateway</html>")

    store = StoreCredentials("s", "id", "secret", "Atzr|x", "A1", Region.NA, endpoint="http://x")
    clock = sandbox_app.state.sandbox.state.clock
    async with SpApiClient(
        store,
        transport=httpx.MockTransport(answer),
        clock=clock,
        sleep=clock.sleep,
        rng=random.Random(0),
    ) as client:
        with pytest.raises(MalformedPayloadError, match="not JSON"):
            await get_marketplace_participations(client)


class LwaDownFirst(httpx.AsyncBaseTransport):
    """Login with Amazon answers 503 `failures` times, then the sandbox takes over."""

    def __init__(self, inner: httpx.AsyncBaseTransport, failures: int) -> None:
        self.inner = inner
        self.failures = failures

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.failures and request.url.path.endswith("/auth/o2/token"):
            self.failures -= 1
            return httpx.Response(503, json={"error": "temporarily_unavailable"})
        return await self.inner.handle_async_request(request)


async def test_login_with_amazon_outage_is_retried_like_the_api(make_client, sandbox_app):
    client = make_client(transport=LwaDownFirst(httpx.ASGITransport(app=sandbox_app), failures=2))
    assert len(await get_marketplace_participations(client)) == 3
