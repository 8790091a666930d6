"""Connecting to the embedded sandbox Amazon (demo and evaluation): its sellers, by id."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from skuport.domain.errors import ConnectionFailed, InvalidValue
from skuport.domain.stores.gateway import AmazonGateway
from skuport.domain.stores.models import Region, Store
from skuport.domain.stores.service import StoreConnection, connect_store
from skuport.domain.unit_of_work import UnitsOfWork


@dataclass(frozen=True)
class SandboxSeller:
    """A seller of the sandbox Amazon, as offered to the user (secrets stay server-side)."""

    seller_id: str
    name: str
    region: Region
    marketplace_ids: tuple[str, ...]
    client_id: str
    client_secret: str
    refresh_token: str


async def sandbox_sellers(gateway: AmazonGateway, *, url: str) -> list[SandboxSeller]:
    """The sandbox's sellers, read from its control API."""
    async with httpx.AsyncClient(transport=gateway.transport, timeout=10) as http:
        try:
            response = await http.get(f"{url.rstrip('/')}/_sandbox/sellers")
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise ConnectionFailed(
                "sandbox", f"the sandbox Amazon at {url} did not answer: {exc}"
            ) from exc
    return [
        SandboxSeller(
            seller_id=item["sellerId"],
            name=item["name"],
            region=Region(item["region"]),
            marketplace_ids=tuple(m["id"] for m in item["marketplaces"]),
            client_id=item["clientId"],
            client_secret=item["clientSecret"],
            refresh_token=item["refreshToken"],
        )
        for item in response.json()["sellers"]
    ]


async def connect_sandbox_store(
    units: UnitsOfWork, *, gateway: AmazonGateway, url: str, seller_id: str, name: str | None
) -> Store:
    """Connect a sandbox seller as a store, exactly as a real one is connected (the sandbox and
    Amazon are asked with no transaction open)."""
    sellers = {s.seller_id: s for s in await sandbox_sellers(gateway, url=url)}
    seller = sellers.get(seller_id)
    if seller is None:
        raise InvalidValue("seller_id", f"the sandbox has no seller {seller_id!r}")
    base = url.rstrip("/")
    connection = StoreConnection(
        name=name or seller.name,
        region=seller.region,
        selling_partner_id=seller.seller_id,
        lwa_client_id=seller.client_id,
        lwa_client_secret=seller.client_secret,
        refresh_token=seller.refresh_token,
        api_endpoint=base,
        token_url=f"{base}/auth/o2/token",
    )
    return await connect_store(units, gateway=gateway, connection=connection)
