"""Issue 4 — the sandbox: seeded demo data, LWA, virtual clock and the /_sandbox/ control API."""

from __future__ import annotations

import httpx

from skuport.sandbox.app import create_sandbox_app
from skuport.sandbox.cli import run_sandbox
from skuport.sandbox.clock import SandboxClock
from skuport.sandbox.demo import demo_credentials

NA = "ATVPDKIKX0DER"


def test_same_seed_gives_the_same_demo_sellers_and_data():
    first, second = demo_credentials(5), demo_credentials(5)
    assert first == second
    assert demo_credentials(6)[0].refresh_token != first[0].refresh_token
    a = create_sandbox_app(seed=5).state.sandbox.state
    b = create_sandbox_app(seed=5).state.sandbox.state
    assert sorted(a.orders) == sorted(b.orders)


def test_demo_has_an_na_and_an_eu_seller_with_their_marketplaces():
    sellers = {s.region: s for s in demo_credentials(1)}
    assert sellers["NA"].countries == ("US", "CA", "MX")
    assert sellers["EU"].countries == ("UK", "DE", "FR", "IT", "ES")
    assert sellers["NA"].client_id.startswith("amzn1.application-oa2-client.")
    assert sellers["EU"].refresh_token.startswith("Atzr|")


def test_catalog_has_variation_families_of_one_to_three_themes_and_isbn_only_books():
    state = create_sandbox_app(seed=1).state.sandbox.state
    themes = {len(p.variation_theme) for p in state.products.values() if p.child_asins}
    assert themes == {1, 2, 3}
    books = [p for p in state.products.values() if p.product_type == "ABIS_BOOK"]
    assert books and all([t for t, _ in b.identifiers] == ["ISBN"] for b in books)
    assert any({"UPC", "EAN"} <= {t for t, _ in p.identifiers} for p in state.products.values())


def test_run_sandbox_is_the_cli_hook():
    assert callable(run_sandbox)


async def test_sellers_endpoint_lists_credentials(http, sandbox):
    body = (await http.get("/_sandbox/sellers")).json()
    assert {s["region"] for s in body["sellers"]} == {"NA", "EU"}
    assert all(s["clientSecret"] and s["refreshToken"] for s in body["sellers"])


async def test_lwa_refuses_unknown_refresh_token_as_amazon_does(http, sandbox):
    seller = next(iter(sandbox.state.sellers.values()))
    response = await http.post(
        "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": "Atzr|x",
            "client_id": seller.client_id,
            "client_secret": seller.client_secret,
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    unknown = await http.post(
        "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": "Atzr|x",
            "client_id": "nope",
            "client_secret": "nope",
        },
    )
    assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_client"


async def test_clock_can_be_read_and_advanced(http):
    before = (await http.get("/_sandbox/clock")).json()["now"]
    after = (await http.post("/_sandbox/clock", json={"seconds": 3600})).json()["now"]
    assert before < after and after[11:13] != before[11:13]
    assert (await http.post("/_sandbox/clock", json={"seconds": -1})).status_code == 400


async def test_create_change_and_cancel_an_order(http, na_token, sandbox):
    seller = next(s for s in sandbox.state.sellers.values() if s.region == "NA")
    created = await http.post(
        "/_sandbox/orders",
        json={"sellerId": seller.seller_id, "marketplaceId": NA, "status": "UNSHIPPED"},
    )
    assert created.status_code == 201
    order_id = created.json()["order"]["orderId"]
    shipped = await http.post(f"/_sandbox/orders/{order_id}/status", json={"status": "SHIPPED"})
    assert shipped.json()["order"]["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    cancelled = await http.post(f"/_sandbox/orders/{order_id}/cancel")
    assert cancelled.json()["order"]["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    got = await http.get(f"/orders/2026-01-01/orders/{order_id}", headers=na_token)
    assert got.json()["order"]["fulfillment"]["fulfillmentStatus"] == "CANCELLED"


async def test_replacing_a_listing_removes_the_old_sku_and_adds_a_new_one(http, sandbox):
    listing = next(iter(sandbox.state.listings.values()))
    response = await http.post(
        f"/_sandbox/listings/{listing.seller_id}/{listing.sku}/replace",
        json={"newSku": "REPLACED-1"},
    )
    assert response.json() == {"replaced": listing.sku, "sku": "REPLACED-1", "asin": listing.asin}
    assert (listing.seller_id, listing.sku) not in sandbox.state.listings
    assert sandbox.state.listings[(listing.seller_id, "REPLACED-1")].asin == listing.asin


async def test_injected_faults_fire_then_clear(http, na_token):
    await http.post(
        "/_sandbox/faults",
        json={"kind": "503", "count": 1, "operation": "getMarketplaceParticipations"},
    )
    failed = await http.get("/sellers/v1/marketplaceParticipations", headers=na_token)
    assert failed.status_code == 503 and failed.json()["errors"][0]["code"] == "ServiceUnavailable"
    assert (
        await http.get("/sellers/v1/marketplaceParticipations", headers=na_token)
    ).status_code == 200
    assert (await http.post("/_sandbox/faults", json={"kind": "teapot"})).status_code == 400


async def test_settings_change_delays_and_can_switch_rate_limits_off(http, sandbox):
    body = (
        await http.post("/_sandbox/settings", json={"feedDelaySeconds": 60, "rateLimits": False})
    ).json()
    assert body["feedDelaySeconds"] == 60 and body["rateLimits"] is False
    assert sandbox.state.settings.feed_delay.total_seconds() == 60


async def test_unknown_paths_answer_amazons_error_shape(http):
    response = await http.get("/nothing/here")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "NotFound"


def test_seeded_data_is_identical_even_when_the_clock_runs_in_real_time():
    from skuport.sandbox.clock import SandboxClock

    def snapshot():
        state = create_sandbox_app(seed=2, clock=SandboxClock(speed=1.0)).state.sandbox.state
        return [(o.order_id, o.created, o.last_updated) for o in state.orders.values()]

    assert snapshot() == snapshot()


async def test_usage_plans_can_be_changed_like_amazons_dynamic_plans(http, na_token):
    plans = {"usagePlans": {"getMarketplaceParticipations": {"rate": 1.0, "burst": 1}}}
    body = (await http.post("/_sandbox/settings", json=plans)).json()
    assert body["usagePlans"]["getMarketplaceParticipations"] == {"rate": 1.0, "burst": 1}
    first = await http.get("/sellers/v1/marketplaceParticipations", headers=na_token)
    assert first.headers["x-amzn-RateLimit-Limit"] == "1.0"
    assert (
        await http.get("/sellers/v1/marketplaceParticipations", headers=na_token)
    ).status_code == 429


async def test_unreadable_parameters_answer_400_invalid_input(http, na_token):
    response = await http.get(
        "/catalog/2022-04-01/items",
        params={"marketplaceIds": NA, "keywords": "shirt", "pageSize": "many"},
        headers=na_token,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"


async def test_two_sandboxes_in_one_process_keep_their_own_clock_orders_and_tokens(
    http, na_token, sandbox
):
    """Each app answers from its own state: a second sandbox of the same seed shares nothing."""
    other_app = create_sandbox_app(seed=3, size="tiny", clock=SandboxClock())
    seller = next(s for s in sandbox.state.sellers.values() if s.region == "NA")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=other_app), base_url="http://other.test"
    ) as other:
        await http.post("/_sandbox/clock", json={"seconds": 600})
        created = await http.post("/_sandbox/orders", json={"sellerId": seller.seller_id})
        order_id = created.json()["order"]["orderId"]
        assert (await other.get("/_sandbox/clock")).json()["now"] == "2026-08-01T12:00:00Z"
        assert order_id not in other_app.state.sandbox.state.orders
        refused = await other.get("/sellers/v1/marketplaceParticipations", headers=na_token)
        assert refused.status_code == 403
    found = await http.get(f"/orders/2026-01-01/orders/{order_id}", headers=na_token)
    assert found.status_code == 200
