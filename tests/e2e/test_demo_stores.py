"""`make demo` connects the sandbox sellers as two ready-to-use stores (issue 5's demo)."""

from __future__ import annotations

from dataclasses import replace

import httpx
from sqlalchemy import func, select

from skuport.domain.inventory.stock.models import StockMovement
from skuport.domain.orders.models import OrderLogEntry
from skuport.domain.returns.models import ReturnedRefund
from skuport.server.app import create_app
from skuport.server.demo_setup import connect_demo_stores


async def test_the_demo_connects_both_sellers_with_complete_settings_once(
    settings, sessions, sandbox_app, sandbox, tokens
):
    clock = sandbox.state.clock
    app = create_app(
        replace(settings, sandbox_url="http://sandbox.test"),
        clock=clock,
        amazon_transport=httpx.ASGITransport(app=sandbox_app),
        amazon_sleep=clock.sleep,
    )
    async with app.router.lifespan_context(app):
        services = app.state.services
        first = await connect_demo_stores(services)
        await services.runner.drain()
        again = await connect_demo_stores(services)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.post(
                "/graphql",
                json={
                    "query": "{ stores { region taxMappingGaps settings { customerId "
                    "createProductIfNotFound updateStockLevels } marketplaces { priceTierId } } "
                    'runs(operation: "catalog_download") { nodes { status processed } } '
                    'returnsRuns: runs(operation: "returns") { nodes { status } } }'
                },
                headers={"Authorization": f"Bearer {tokens['readonly']}"},
            )
    data = response.json()["data"]
    assert len(first) == 2 and again == []
    assert sorted(s["region"] for s in data["stores"]) == ["EU", "NA"]
    for store in data["stores"]:
        assert store["taxMappingGaps"] == []
        assert store["settings"]["customerId"] is not None
        assert store["settings"]["createProductIfNotFound"] is True
        assert all(m["priceTierId"] for m in store["marketplaces"])
    runs = data["runs"]["nodes"]
    assert len(runs) == 2 and all(r["status"] == "SUCCEEDED" and r["processed"] for r in runs)
    # BX-1: the sellers' refunds were read once, so runbook 07 opens on them
    returns_runs = data["returnsRuns"]["nodes"]
    assert len(returns_runs) == 2 and all(r["status"] == "SUCCEEDED" for r in returns_runs)
    async with sessions() as session:
        assert await session.scalar(select(func.count(ReturnedRefund.id))) > 0
    # orders were captured, and products have opening stock so the sales can ship
    async with sessions() as session:
        assert await session.scalar(select(func.count(OrderLogEntry.id))) > 0
        assert await session.scalar(select(func.count(StockMovement.id))) > 0
