"""Sellers API v1: which marketplaces the store sells in."""

from __future__ import annotations

from dataclasses import dataclass

from skuport.domain.amazon.client import SpApiClient
from skuport.domain.amazon.errors import MalformedPayloadError
from skuport.domain.amazon.parsing import Reader


@dataclass(frozen=True)
class MarketplaceParticipation:
    """One marketplace of the seller and whether it is active there."""

    marketplace_id: str
    name: str
    country_code: str
    currency: str
    language: str
    domain: str
    is_participating: bool
    has_suspended_listings: bool
    store_name: str | None


async def get_marketplace_participations(client: SpApiClient) -> list[MarketplaceParticipation]:
    """GET /sellers/v1/marketplaceParticipations."""
    response = await client.call(
        "getMarketplaceParticipations", "GET", "/sellers/v1/marketplaceParticipations"
    )
    return parse_participations(response.body)


def parse_participations(body: object) -> list[MarketplaceParticipation]:
    """Parse a getMarketplaceParticipations response body."""
    envelope = Reader(body, "getMarketplaceParticipations")
    payload = envelope.req("payload")
    if not isinstance(payload, list):
        raise MalformedPayloadError("getMarketplaceParticipations", "payload is not a list")
    result = []
    for index, entry in enumerate(payload):
        row = Reader(entry, f"marketplaceParticipations[{index}]")
        market = row.obj("marketplace", required=True)
        part = row.obj("participation", required=True)
        assert market is not None and part is not None
        result.append(
            MarketplaceParticipation(
                marketplace_id=market.text("id", required=True) or "",
                name=market.text("name", required=True) or "",
                country_code=market.text("countryCode", required=True) or "",
                currency=market.text("defaultCurrencyCode", required=True) or "",
                language=market.text("defaultLanguageCode", required=True) or "",
                domain=market.text("domainName", required=True) or "",
                is_participating=bool(part.flag("isParticipating")),
                has_suspended_listings=bool(part.flag("hasSuspendedListings")),
                store_name=row.text("storeName"),
            )
        )
    return result
