"""Login with Amazon: refresh tokens exchanged for access tokens, cached until near expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from skuport.domain.amazon.config import StoreCredentials
from skuport.domain.amazon.errors import AmazonUnavailableError, ReauthoriseStoreError
from skuport.domain.clock import Clock

# Refresh a little before Amazon's expiry so a token never dies mid-request.
EXPIRY_MARGIN = timedelta(minutes=5)


@dataclass
class AccessToken:
    """An LWA access token and the moment we stop using it."""

    value: str
    use_until: datetime


class LwaTokens:
    """Caches one access token per (token URL, client id, refresh token)."""

    def __init__(self, *, clock: Clock) -> None:
        self._clock = clock
        self._cache: dict[tuple[str, str, str], AccessToken] = {}
        self.exchanges = 0

    @staticmethod
    def _key(store: StoreCredentials) -> tuple[str, str, str]:
        return (store.token_url, store.client_id, store.refresh_token)

    def forget(self, store: StoreCredentials) -> None:
        """Drop the cached token so the next call exchanges the refresh token again."""
        self._cache.pop(self._key(store), None)

    async def access_token(self, http: httpx.AsyncClient, store: StoreCredentials) -> str:
        """A valid access token for `store`, exchanging the refresh token when needed."""
        cached = self._cache.get(self._key(store))
        if cached and self._clock.now() < cached.use_until:
            return cached.value
        token = await self._exchange(http, store)
        self._cache[self._key(store)] = token
        return token.value

    async def _exchange(self, http: httpx.AsyncClient, store: StoreCredentials) -> AccessToken:
        self.exchanges += 1
        form = {
            "grant_type": "refresh_token",
            "refresh_token": store.refresh_token,
            "client_id": store.client_id,
            "client_secret": store.client_secret,
        }
        try:
            response = await http.post(store.token_url, data=form)
        except httpx.TransportError as error:
            raise AmazonUnavailableError(f"Login with Amazon unreachable: {error}") from error
        body = _json_or_empty(response)
        if response.status_code != 200:
            error = body.get("error", f"HTTP {response.status_code}")
            description = body.get("error_description", "")
            if response.status_code >= 500:
                raise AmazonUnavailableError(f"Login with Amazon failed: {error} {description}")
            raise ReauthoriseStoreError(store.store_id, f"Login with Amazon refused: {error}")
        value = body.get("access_token")
        expires_in = body.get("expires_in")
        if not isinstance(value, str) or not isinstance(expires_in, int):
            raise ReauthoriseStoreError(store.store_id, "Login with Amazon sent no access token")
        use_until = self._clock.now() + timedelta(seconds=expires_in) - EXPIRY_MARGIN
        return AccessToken(value, use_until)


def _json_or_empty(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
