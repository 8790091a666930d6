"""Where and as whom a store talks to Amazon: regions, marketplaces and per-store credentials."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"


class Region(StrEnum):
    """An SP-API selling region; one seller authorisation covers all its marketplaces."""

    NA = "NA"
    EU = "EU"
    FE = "FE"


PRODUCTION_ENDPOINTS: dict[Region, str] = {
    Region.NA: "https://sellingpartnerapi-na.amazon.com",
    Region.EU: "https://sellingpartnerapi-eu.amazon.com",
    Region.FE: "https://sellingpartnerapi-fe.amazon.com",
}

MARKETPLACE_IDS: dict[str, str] = {
    "US": "ATVPDKIKX0DER",
    "CA": "A2EUQ1WTGCTBG2",
    "MX": "A1AM78C64UM0Y8",
    "BR": "A2Q3Y263D00KWC",
    "UK": "A1F83G8C2ARO7P",
    "DE": "A1PA6795UKMFR9",
    "FR": "A13V1IB3VIYZZH",
    "IT": "APJ6JRA9NG5V4",
    "ES": "A1RKKUPIHCS9HS",
    "NL": "A1805IZSGTT6HS",
    "SE": "A2NODRKZP88ZB9",
    "PL": "A1C3SOZRARQ6R3",
    "BE": "AMEN7PMS3EDWL",
    "IE": "A28R8C7NBKEWEA",
    "TR": "A33AVAJ2PDY3EV",
    "JP": "A1VC38T7YXB528",
    "AU": "A39IBJ37TRP1C6",
    "SG": "A19VAU5U5O7RUS",
}


@dataclass(frozen=True)
class StoreCredentials:
    """One authorised seller account in one region, and the URLs its calls go to.

    `endpoint` and `token_url` default to real Amazon; point them at the sandbox to test.
    """

    store_id: str
    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)
    selling_partner_id: str
    region: Region
    marketplace_ids: tuple[str, ...] = ()
    endpoint: str | None = None
    token_url: str = LWA_TOKEN_URL

    @property
    def api_endpoint(self) -> str:
        """The SP-API base URL this store's calls go to."""
        return (self.endpoint or PRODUCTION_ENDPOINTS[self.region]).rstrip("/")
