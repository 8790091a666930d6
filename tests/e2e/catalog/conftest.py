"""Fixtures of the catalog tests: a connected sandbox store and a catalog download."""

from __future__ import annotations

import pytest

from tests.e2e.catalog.support import CONNECT, DOWNLOAD, RUN, SETTINGS


@pytest.fixture
def store(gql, sellers, connect_input):
    """Connect a sandbox seller as a store; returns its id and marketplace ids by code."""

    async def connect(region: str = "NA", **settings):
        result = await gql(CONNECT, input=connect_input(sellers[region]))
        saved = result["data"]["connectStore"]["store"]
        if settings:
            changed = await gql(SETTINGS, storeId=saved["id"], settings=settings)
            assert changed["data"]["updateStoreSettings"]["__typename"] == "StoreSaved", changed
        codes = {m["marketplace"]["code"]: m["marketplace"]["id"] for m in saved["marketplaces"]}
        return saved["id"], codes

    return connect


@pytest.fixture
def download(gql, app):
    """Download a store's catalog through GraphQL and wait for the run to finish."""

    async def run(store_id: str) -> dict:
        started = await gql(DOWNLOAD, role="operations", storeId=store_id)
        run_id = started["data"]["downloadCatalog"]["run"]["id"]
        await app.state.services.runner.drain()
        return (await gql(RUN, id=run_id))["data"]["run"]

    return run
