"""Skuport's SP-API client: one module per Amazon API, all calls through `SpApiClient`."""

from skuport.domain.amazon.client import RetryPolicy, SpApiClient
from skuport.domain.amazon.config import MARKETPLACE_IDS, Region, StoreCredentials
from skuport.domain.amazon.errors import (
    AmazonError,
    AmazonUnavailableError,
    MalformedPayloadError,
    ReauthoriseStoreError,
    ServerError,
    SpApiError,
    ThrottledError,
)
from skuport.domain.amazon.parsing import AmountWithCurrency

__all__ = [
    "MARKETPLACE_IDS",
    "AmazonError",
    "AmazonUnavailableError",
    "AmountWithCurrency",
    "MalformedPayloadError",
    "ReauthoriseStoreError",
    "Region",
    "RetryPolicy",
    "ServerError",
    "SpApiClient",
    "SpApiError",
    "StoreCredentials",
    "ThrottledError",
]
