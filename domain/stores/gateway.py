"""How the integration reaches a store's Amazon: one SP-API client per store, kept warm."""

from __future__ import annotations

import httpx

from skuport.domain.amazon.client import RetryPolicy, SpApiClient
from skuport.domain.amazon.config import StoreCredentials
from skuport.domain.amazon.throttle import Sleep
from skuport.domain.clock import Clock, SystemClock
from skuport.domain.security import SecretBox
from skuport.domain.stores.models import Store

# A connection test should answer in seconds, not after minutes of patient retries.
CONNECTION_TEST_RETRY = RetryPolicy(max_attempts=2, base_delay=0.5, max_delay=2.0)


def credentials_of(
    store: Store, box: SecretBox, *, marketplace_ids: tuple[str, ...] = ()
) -> StoreCredentials:
    """The store's decrypted credentials, for the SP-API client only."""
    return StoreCredentials(
        store_id=str(store.id),
        client_id=store.lwa_client_id,
        client_secret=box.decrypt(store.lwa_client_secret_encrypted),
        refresh_token=box.decrypt(store.refresh_token_encrypted),
        selling_partner_id=store.selling_partner_id,
        region=store.region,
        marketplace_ids=marketplace_ids,
        endpoint=store.api_endpoint,
        token_url=store.token_url,
    )


class AmazonGateway:
    """Makes SP-API clients; in tests and the demo its transport leads to the sandbox Amazon.

    Clients are cached per store so that token buckets and LWA tokens outlive one request.
    """

    def __init__(
        self,
        *,
        box: SecretBox,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.box = box
        self.clock = clock or SystemClock()
        self.sleep = sleep
        self.transport = transport
        self._clients: dict[int, tuple[StoreCredentials, SpApiClient]] = {}

    def probe(self, credentials: StoreCredentials) -> SpApiClient:
        """A short-lived client for testing credentials that are not saved yet."""
        return SpApiClient(
            credentials,
            transport=self.transport,
            clock=self.clock,
            sleep=self.sleep,
            retry=CONNECTION_TEST_RETRY,
        )

    def client_for(self, store: Store) -> SpApiClient:
        """The store's client, rebuilt when its credentials or endpoints changed."""
        credentials = credentials_of(
            store, self.box, marketplace_ids=tuple(m.marketplace_id for m in store.marketplaces)
        )
        cached = self._clients.get(store.id)
        if cached is not None and cached[0] == credentials:
            return cached[1]
        client = SpApiClient(
            credentials, transport=self.transport, clock=self.clock, sleep=self.sleep
        )
        self._clients[store.id] = (credentials, client)
        return client

    async def forget(self, store_id: int) -> None:
        """Close and drop a store's client (after disconnect or a credentials change)."""
        cached = self._clients.pop(store_id, None)
        if cached is not None:
            await cached[1].aclose()

    async def aclose(self) -> None:
        for store_id in list(self._clients):
            await self.forget(store_id)
