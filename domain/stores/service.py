"""Connect, edit and disconnect stores (ST-1 … ST-4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlparse

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon.config import LWA_TOKEN_URL, PRODUCTION_ENDPOINTS, StoreCredentials
from skuport.domain.amazon.errors import AmazonError, AmazonUnavailableError, ReauthoriseStoreError
from skuport.domain.amazon.sellers import MarketplaceParticipation, get_marketplace_participations
from skuport.domain.errors import (
    ConnectionFailed,
    DuplicateName,
    InvalidValue,
    NotFound,
)
from skuport.domain.inventory.values import printable_text
from skuport.domain.orders.remembered import (
    DisconnectedOrders,
    let_go_of_orders,
    restore_remembered,
)
from skuport.domain.stores.gateway import AmazonGateway
from skuport.domain.stores.marketplaces import DEFAULT_TIMEZONES
from skuport.domain.stores.models import Marketplace, Region, Store, StoreMarketplace, StoreSettings
from skuport.domain.unit_of_work import UnitsOfWork


@dataclass(frozen=True)
class StoreConnection:
    """What a user enters to connect a store (ST-3)."""

    name: str
    region: Region
    selling_partner_id: str
    lwa_client_id: str
    lwa_client_secret: str
    refresh_token: str
    shop_representative_name: str | None = None
    api_endpoint: str | None = None
    token_url: str | None = None


def _required(value: str | None, field: str, what: str) -> str:
    value = printable_text((value or "").strip(), field=field)
    if not value:
        raise InvalidValue(field, f"{what} is required")
    return value


def _url(value: str | None, default: str, field: str) -> str:
    url = (value or "").strip() or default
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InvalidValue(field, f"{url!r} is not an http(s) URL")
    return url.rstrip("/")


async def get_store(session: AsyncSession, *, store_id: int) -> Store:
    """The store, or NotFound."""
    store = await session.get(Store, store_id)
    if store is None:
        raise NotFound("store_id", f"no store with id {store_id}")
    return store


async def list_stores(session: AsyncSession) -> list[Store]:
    """Every connected store, by name."""
    return list((await session.scalars(select(Store).order_by(Store.name))).all())


async def _check_name_free(
    session: AsyncSession, name: str, *, except_id: int | None = None
) -> None:
    existing = await session.scalar(select(Store).where(Store.name == name))
    if existing is not None and existing.id != except_id:
        raise DuplicateName("name", f"a store named {name!r} is already connected")


async def discover_marketplaces(
    gateway: AmazonGateway, credentials: StoreCredentials
) -> list[MarketplaceParticipation]:
    """Test the credentials against Amazon and list the seller's marketplaces (ST-3)."""
    client = gateway.probe(credentials)
    try:
        return await get_marketplace_participations(client)
    except ReauthoriseStoreError as exc:
        raise ConnectionFailed(
            "refresh_token", f"Amazon refused these credentials ({exc.reason})"
        ) from exc
    except AmazonUnavailableError as exc:
        raise ConnectionFailed(
            "api_endpoint", f"Amazon could not be reached at {credentials.api_endpoint}: {exc}"
        ) from exc
    except AmazonError as exc:
        raise ConnectionFailed("credentials", f"Amazon refused the connection: {exc}") from exc
    finally:
        await client.aclose()


def _connection_credentials(connection: StoreConnection, name: str) -> StoreCredentials:
    region = Region(connection.region)
    return StoreCredentials(
        store_id=name,
        client_id=_required(connection.lwa_client_id, "lwa_client_id", "the LWA client id"),
        client_secret=_required(
            connection.lwa_client_secret, "lwa_client_secret", "the LWA client secret"
        ),
        refresh_token=_required(connection.refresh_token, "refresh_token", "the refresh token"),
        selling_partner_id=_required(
            connection.selling_partner_id, "selling_partner_id", "the selling partner id"
        ),
        region=region,
        endpoint=_url(connection.api_endpoint, PRODUCTION_ENDPOINTS[region], "api_endpoint"),
        token_url=_url(connection.token_url, LWA_TOKEN_URL, "token_url"),
    )


async def connect_store(
    units: UnitsOfWork, *, gateway: AmazonGateway, connection: StoreConnection
) -> Store:
    """Test the connection, discover marketplaces, then save the store with default settings.

    Amazon is asked with no transaction open (on SQLite a transaction holds the write lock):
    the name is checked in a short read before, and again in the short unit of work that saves.
    """
    name = _required(connection.name, "name", "a store name")
    credentials = _connection_credentials(connection, name)
    async with units.reading() as session:
        await _check_name_free(session, name)
    participations = await discover_marketplaces(gateway, credentials)
    async with units() as uow:
        await _check_name_free(uow.session, name)  # another admin may have taken it meanwhile
        store = await _save_store(
            uow.session,
            gateway=gateway,
            connection=connection,
            credentials=credentials,
            participations=participations,
            now=uow.now(),
        )
    return store


async def _save_store(
    session: AsyncSession,
    *,
    gateway: AmazonGateway,
    connection: StoreConnection,
    credentials: StoreCredentials,
    participations: list[MarketplaceParticipation],
    now: datetime,
) -> Store:
    region = Region(connection.region)
    known = {m.id: m for m in (await session.scalars(select(Marketplace))).all()}
    ours = [
        p
        for p in participations
        if p.is_participating and p.marketplace_id in known
        and known[p.marketplace_id].region is region
    ]  # fmt: skip
    if not ours:
        raise ConnectionFailed(
            "region", f"the seller sells in no {region.value} marketplace that Skuport knows"
        )
    shop_name = (connection.shop_representative_name or "").strip()
    store = Store(
        name=credentials.store_id,
        shop_representative_name=shop_name
        or next((p.store_name for p in ours if p.store_name), credentials.store_id),
        region=region,
        selling_partner_id=credentials.selling_partner_id,
        lwa_client_id=credentials.client_id,
        lwa_client_secret_encrypted=gateway.box.encrypt(credentials.client_secret),
        refresh_token_encrypted=gateway.box.encrypt(credentials.refresh_token),
        api_endpoint=credentials.api_endpoint,
        token_url=credentials.token_url,
        connected_at=now,
        marketplaces=[
            StoreMarketplace(marketplace_id=p.marketplace_id, enabled=True) for p in ours
        ],
        settings=StoreSettings(timezone=DEFAULT_TIMEZONES[region.value], country_tax_rules=[]),
    )
    session.add(store)
    await session.flush()
    # Load the saved graph the async way, so callers can read it without lazy loads.
    await session.refresh(store, attribute_names=["marketplaces", "settings"])
    # The seller account was connected before: what it captured then is this store's log now.
    await restore_remembered(session, store=store)
    return store


async def rename_store(
    session: AsyncSession,
    *,
    store_id: int,
    name: str | None = None,
    shop_representative_name: str | None = None,
) -> Store:
    """Change the store's name or shop representative name."""
    store = await get_store(session, store_id=store_id)
    if name is not None:
        name = _required(name, "name", "a store name")
        await _check_name_free(session, name, except_id=store.id)
        store.name = name
    if shop_representative_name is not None:
        store.shop_representative_name = _required(
            shop_representative_name, "shop_representative_name", "a shop representative name"
        )
    await session.flush()
    return store


async def reauthorise_store(
    units: UnitsOfWork,
    *,
    gateway: AmazonGateway,
    store_id: int,
    lwa_client_id: str,
    lwa_client_secret: str,
    refresh_token: str,
    api_endpoint: str | None = None,
    token_url: str | None = None,
) -> Store:
    """Replace the store's credentials (and endpoints) after testing them against Amazon.

    Amazon is asked between two short units of work, never inside one.
    """
    async with units.reading() as session:
        store = await get_store(session, store_id=store_id)
    credentials = StoreCredentials(
        store_id=str(store.id),
        client_id=_required(lwa_client_id, "lwa_client_id", "the LWA client id"),
        client_secret=_required(lwa_client_secret, "lwa_client_secret", "the LWA client secret"),
        refresh_token=_required(refresh_token, "refresh_token", "the refresh token"),
        selling_partner_id=store.selling_partner_id,
        region=store.region,
        endpoint=_url(api_endpoint, store.api_endpoint, "api_endpoint"),
        token_url=_url(token_url, store.token_url, "token_url"),
    )
    await discover_marketplaces(gateway, credentials)
    async with units() as uow:
        store = await get_store(uow.session, store_id=store_id)
        store.lwa_client_id = credentials.client_id
        store.lwa_client_secret_encrypted = gateway.box.encrypt(credentials.client_secret)
        store.refresh_token_encrypted = gateway.box.encrypt(credentials.refresh_token)
        store.api_endpoint = credentials.api_endpoint
        store.token_url = credentials.token_url
        await uow.session.flush()
    await gateway.forget(store.id)
    return store


async def disconnect_store(
    session: AsyncSession, *, store_id: int, now: datetime
) -> DisconnectedOrders:
    """ST-4: remove the store and every Amazon association; products, customers, sales stay.

    The stock its pending orders held is released, and the orders it captured are remembered
    for its seller account, so connecting the account again captures none of them twice.
    """
    store = await get_store(session, store_id=store_id)
    orders = await let_go_of_orders(session, store=store, now=now)
    # Children go by ON DELETE CASCADE on both databases; the ORM must not try to null them.
    await session.execute(delete(Store).where(Store.id == store.id))
    session.expunge(store)
    return orders
