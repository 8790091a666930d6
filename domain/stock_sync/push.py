"""Send changed quantities to Amazon: listings patches for a few, a JSON_LISTINGS_FEED for many."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from skuport.domain.amazon import feeds, listings
from skuport.domain.amazon.client import SpApiClient
from skuport.domain.amazon.errors import AmazonError, ReauthoriseStoreError
from skuport.domain.jobs import RunRecorder
from skuport.domain.stock_sync.models import PushedQuantity
from skuport.domain.stock_sync.quantities import WantedQuantity, chunks, wanted_quantities
from skuport.domain.stores.gateway import AmazonGateway
from skuport.domain.stores.models import Store, StoreSettings
from skuport.domain.unit_of_work import UnitsOfWork

log = logging.getLogger(__name__)

# Up to this many changed listings in a marketplace go as patches (5/s, burst 5: ten seconds);
# more go as one feed, which costs ~6 calls whatever its size but takes Amazon minutes.
PATCH_LIMIT = 50
# Amazon takes up to 25,000 messages per JSON_LISTINGS_FEED.
FEED_LIMIT = 25_000
# How often a submitted feed is asked whether it is done (getFeed: 2/s, burst 15).
FEED_POLL_SECONDS = 30.0
FEED_GIVE_UP_SECONDS = 4 * 3600.0
MAX_LOGGED_ERRORS = 200


@dataclass
class PushResult:
    """What one push of one store did."""

    store_id: int
    considered: int = 0
    sent: int = 0
    unchanged: int = 0
    failed: int = 0
    patches: int = 0
    feeds: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    skipped_reason: str = ""


async def _record(units: UnitsOfWork, *, store_id: int, sent: Sequence[WantedQuantity]) -> None:
    """Remember what Amazon accepted, so the same quantity is not sent again (SY-3)."""
    if not sent:
        return
    async with units() as uow:
        session, now = uow.session, uow.now()
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(PushedQuantity)
        # An upsert: another server may have recorded the same listing meanwhile. Executed
        # with many parameter sets, so it is compiled once and sent in batches.
        upsert = statement.on_conflict_do_update(
            index_elements=["store_id", "marketplace_id", "seller_sku"],
            set_={
                "quantity": statement.excluded.quantity,
                "pushed_at": statement.excluded.pushed_at,
            },
        )
        await session.execute(
            upsert,
            [
                {
                    "store_id": store_id,
                    "marketplace_id": w.marketplace_id,
                    "seller_sku": w.seller_sku,
                    "quantity": Decimal(w.quantity),
                    "pushed_at": now,
                }
                for w in sent
            ],
        )


async def _send_patches(
    client: SpApiClient, marketplace_id: str, items: Sequence[WantedQuantity], result: PushResult
) -> list[WantedQuantity]:
    accepted: list[WantedQuantity] = []
    for item in items:
        result.patches += 1
        try:
            submission = await listings.patch_listings_item(
                client,
                item.seller_sku,
                marketplace_id=marketplace_id,
                product_type=item.product_type,
                patches=[listings.stock_patch(item.quantity)],
            )
        except ReauthoriseStoreError:
            raise
        except AmazonError as exc:
            # One listing Amazon refuses must not hold back the others; the next run retries it.
            result.errors.append((f"{marketplace_id}/{item.seller_sku}", str(exc)))
            continue
        problems = [i.message for i in submission.issues if i.severity == "ERROR"]
        if submission.accepted and not problems:
            accepted.append(item)
        else:
            reason = "; ".join(problems) or f"Amazon answered {submission.status}"
            result.errors.append((f"{marketplace_id}/{item.seller_sku}", reason))
    return accepted


@dataclass
class _SubmittedFeed:
    marketplace_id: str
    items: Sequence[WantedQuantity]
    feed_id: str
    feed: feeds.Feed | None = None


async def _submit_feed(
    client: SpApiClient, marketplace_id: str, items: Sequence[WantedQuantity], result: PushResult
) -> _SubmittedFeed | None:
    messages = [
        {
            "messageId": index,
            "sku": item.seller_sku,
            "operationType": "PATCH",
            "productType": item.product_type,
            "patches": [listings.stock_patch(item.quantity)],
        }
        for index, item in enumerate(items, start=1)
    ]
    result.feeds += 1
    try:
        feed_id = await feeds.submit_listings_feed(
            client, marketplace_ids=[marketplace_id], messages=messages
        )
    except ReauthoriseStoreError:
        raise
    except AmazonError as exc:
        result.errors.append((f"{marketplace_id} feed of {len(items)}", str(exc)))
        return None
    return _SubmittedFeed(marketplace_id, items, feed_id)


async def _wait_for_feeds(
    client: SpApiClient,
    submitted: list[_SubmittedFeed],
    result: PushResult,
    sleep,  # type: ignore[no-untyped-def]
) -> None:
    """Poll the open feeds in submission order, with one wait per round for all of them."""
    waited = 0.0
    open_feeds = list(submitted)
    while open_feeds:
        for entry in list(open_feeds):
            try:
                entry.feed = await feeds.get_feed(client, entry.feed_id)
            except ReauthoriseStoreError:
                raise
            except AmazonError as exc:
                log.warning("feed %s: %s", entry.feed_id, exc)
                continue
            if not entry.feed.finished:
                # Feeds finish about in the order they were sent: ask about the later ones
                # only once this one is done (fewer getFeed calls, same latency).
                break
            open_feeds.remove(entry)
        if not open_feeds or waited >= FEED_GIVE_UP_SECONDS:
            break
        await sleep(FEED_POLL_SECONDS)
        waited += FEED_POLL_SECONDS
    for entry in open_feeds:
        result.errors.append(
            (f"{entry.marketplace_id} feed {entry.feed_id}", "Amazon did not finish the feed")
        )


async def _feed_outcome(
    client: SpApiClient, entry: _SubmittedFeed, result: PushResult
) -> list[WantedQuantity]:
    feed = entry.feed
    if feed is None or not feed.finished:
        return []
    report = None
    if feed.result_document_id:
        try:
            report = await feeds.read_processing_report(client, feed)
        except ReauthoriseStoreError:
            raise
        except AmazonError as exc:
            result.errors.append((f"{entry.marketplace_id} feed {feed.feed_id}", str(exc)))
            return []
    if feed.status != "DONE" or report is None:
        detail = "; ".join(issue.message for _, _, issue in (report.issues if report else []))
        result.errors.append(
            (
                f"{entry.marketplace_id} feed {feed.feed_id}",
                f"feed ended {feed.status} {detail}".strip(),
            )
        )
        return []
    accepted: list[WantedQuantity] = []
    for index, item in enumerate(entry.items, start=1):
        problems = [i.message for i in report.issues_for(index) if i.severity == "ERROR"]
        if problems:
            key = f"{entry.marketplace_id}/{item.seller_sku}"
            result.errors.append((key, "; ".join(problems)))
        else:
            accepted.append(item)
    return accepted


async def send_quantities(
    client: SpApiClient,
    changed: Sequence[WantedQuantity],
    result: PushResult,
    *,
    sleep,  # type: ignore[no-untyped-def]
) -> list[WantedQuantity]:
    """Send per marketplace, as patches or feeds by count; returns what Amazon accepted."""
    by_marketplace: dict[str, list[WantedQuantity]] = defaultdict(list)
    for item in changed:
        by_marketplace[item.marketplace_id].append(item)
    accepted: list[WantedQuantity] = []
    submitted: list[_SubmittedFeed] = []
    for marketplace_id, items in sorted(by_marketplace.items()):
        if len(items) <= PATCH_LIMIT:
            accepted += await _send_patches(client, marketplace_id, items, result)
            continue
        for part in chunks(items, FEED_LIMIT):
            entry = await _submit_feed(client, marketplace_id, part, result)
            if entry is not None:
                submitted.append(entry)
    # Every marketplace's feed is submitted before waiting: Amazon processes them side by side.
    await _wait_for_feeds(client, submitted, result, sleep)
    for entry in submitted:
        accepted += await _feed_outcome(client, entry, result)
    return accepted


async def push_store(
    *,
    units: UnitsOfWork,
    gateway: AmazonGateway,
    store_id: int,
    product_ids: Collection[int] | None = None,
    run: RunRecorder | None = None,
) -> PushResult:
    """SY-1 … SY-3: send the store's changed FBM quantities (of `product_ids`, or of all).

    Amazon is sent the quantities with no transaction open; what it accepted is then saved in
    a short unit of work.
    """
    result = PushResult(store_id=store_id)
    async with units.reading() as session:
        store = await session.get(Store, store_id)
        if store is None:
            result.skipped_reason = "the store no longer exists"
            return result
        if store.settings is None or not store.settings.update_stock_levels:
            result.skipped_reason = "update stock levels is off"
            return result
        wanted = await wanted_quantities(session, store=store, product_ids=product_ids)
        client = gateway.client_for(store)
    changed = [w for w in wanted if w.changed]
    result.considered = len(wanted)
    result.unchanged = len(wanted) - len(changed)
    if run is not None and changed:
        run.expect(len(changed), more=True)
        await run.progress(f"sending {len(changed)} changed quantities of {store.name}")
    sleep = gateway.sleep or asyncio.sleep
    accepted = await send_quantities(client, changed, result, sleep=sleep)
    await _record(units, store_id=store_id, sent=accepted)
    result.sent = len(accepted)
    result.failed = len(changed) - len(accepted)
    if run is not None:
        run.processed += result.sent
        # The operation log keeps the first errors; a feed refused as a whole is one error.
        for item, reason in result.errors[:MAX_LOGGED_ERRORS]:
            run.error(f"store {store_id} {item}", reason)
        if len(result.errors) > MAX_LOGGED_ERRORS:
            more = len(result.errors) - MAX_LOGGED_ERRORS
            run.error(f"store {store_id}", f"{more} more listings failed")
    log.info(
        "stock push store=%s considered=%s sent=%s failed=%s patches=%s feeds=%s",
        store_id,
        result.considered,
        result.sent,
        result.failed,
        result.patches,
        result.feeds,
    )
    return result


async def stores_pushing_stock(sessions: async_sessionmaker[AsyncSession]) -> list[int]:
    """Ids of stores with "update stock levels" on."""
    async with sessions() as session:
        return list(
            await session.scalars(
                select(StoreSettings.store_id)
                .where(StoreSettings.update_stock_levels.is_(True))
                .order_by(StoreSettings.store_id)
            )
        )
