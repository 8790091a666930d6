"""ST-3: connecting (and re-authorising) a store waits on Amazon without holding the database.

On SQLite every transaction takes the write lock up front, so a mutation that kept a
transaction open while Amazon answered would stop every other writer for as long as Amazon
took. Here Amazon's answer to the marketplace check is held until the test releases it, and
another user's write must complete meanwhile.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from skuport.server.app import create_app
from tests.e2e.test_stores import CONNECT

PARTICIPATIONS = "/sellers/v1/marketplaceParticipations"
# Not a sleep: how long a write may take before the test calls it blocked. With the write lock
# held by the waiting mutation, SQLite would make it wait its whole 15 s busy timeout.
BLOCKED_AFTER = 5

CREATE_TOKEN = """
mutation Token($name: String!) {
  createApiToken(name: $name, role: OPERATIONS) { __typename }
}
"""
REAUTHORISE = """
mutation Reauthorise($id: ID!, $clientId: String!, $secret: String!, $token: String!) {
  reauthoriseStore(
    id: $id, lwaClientId: $clientId, lwaClientSecret: $secret, refreshToken: $token
  ) {
    __typename
    ... on UserError { message field }
  }
}
"""


class HeldAmazon:
    """The sandbox Amazon, with answers to one path held while `holding` is on."""

    def __init__(self, app, path: str) -> None:  # type: ignore[no-untyped-def]
        self.app, self.path = app, path
        self.holding = False
        self.reached = asyncio.Event()
        self.released = asyncio.Event()

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if self.holding and scope["type"] == "http" and scope["path"] == self.path:
            self.reached.set()
            await self.released.wait()
        await self.app(scope, receive, send)


@pytest.fixture
def amazon(sandbox_app) -> HeldAmazon:  # type: ignore[no-untyped-def]
    return HeldAmazon(sandbox_app, PARTICIPATIONS)


@pytest.fixture
async def app(settings, sessions, sandbox, amazon):  # type: ignore[no-untyped-def]
    """Skuport talking to the held sandbox Amazon."""
    clock = sandbox.state.clock
    application = create_app(
        settings,
        clock=clock,
        amazon_transport=httpx.ASGITransport(app=amazon),
        amazon_sleep=clock.sleep,
    )
    async with application.router.lifespan_context(application):
        yield application


async def _write_while_amazon_waits(gql, amazon: HeldAmazon, mutation):  # type: ignore[no-untyped-def]
    """Start `mutation`, write something else while Amazon holds its answer, then release."""
    amazon.holding = True
    waiting = asyncio.create_task(mutation)
    await amazon.reached.wait()
    other = await asyncio.wait_for(gql(CREATE_TOKEN, name="meanwhile"), BLOCKED_AFTER)
    still_waiting = not waiting.done()
    amazon.released.set()
    return other, still_waiting, await waiting


async def test_st3_another_write_completes_while_connect_store_waits_on_amazon(
    gql, sellers, connect_input, amazon
):
    other, still_waiting, connected = await _write_while_amazon_waits(
        gql, amazon, gql(CONNECT, input=connect_input(sellers["NA"]))
    )

    assert other["data"]["createApiToken"]["__typename"] == "ApiTokenCreated"
    assert still_waiting  # the token was saved before Amazon answered the connection's check
    assert connected["data"]["connectStore"]["__typename"] == "StoreSaved", connected


async def test_st3_reauthorising_tests_the_new_credentials_without_blocking_writers(
    gql, sellers, connect_input, amazon
):
    seller = sellers["EU"]
    store = (await gql(CONNECT, input=connect_input(seller)))["data"]["connectStore"]["store"]
    reauthorise = gql(
        REAUTHORISE,
        id=store["id"],
        clientId=seller.client_id,
        secret=seller.client_secret,
        token=seller.refresh_token,
    )

    other, still_waiting, saved = await _write_while_amazon_waits(gql, amazon, reauthorise)

    assert other["data"]["createApiToken"]["__typename"] == "ApiTokenCreated"
    assert still_waiting
    assert saved["data"]["reauthoriseStore"]["__typename"] == "StoreSaved", saved


async def test_st3_reauthorising_with_refused_credentials_keeps_the_old_ones(
    gql, sellers, connect_input
):
    seller = sellers["NA"]
    store = (await gql(CONNECT, input=connect_input(seller)))["data"]["connectStore"]["store"]

    refused = await gql(
        REAUTHORISE,
        id=store["id"],
        clientId="someone-else",
        secret=seller.client_secret,
        token="not-a-refresh-token",
    )

    assert refused["data"]["reauthoriseStore"]["field"] == "refreshToken", refused
    stores = await gql("{ stores { id lwaClientId } }")
    assert stores["data"]["stores"] == [{"id": store["id"], "lwaClientId": seller.client_id}]
