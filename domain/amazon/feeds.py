"""Feeds API 2021-06-30: upload a JSON_LISTINGS_FEED, follow it, read its processing report."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from skuport.domain.amazon.client import SpApiClient
from skuport.domain.amazon.listings import Issue
from skuport.domain.amazon.paging import Page
from skuport.domain.amazon.parsing import Reader, iso

BASE = "/feeds/2021-06-30"
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"
TERMINAL = frozenset({"DONE", "CANCELLED", "FATAL"})


@dataclass(frozen=True)
class Feed:
    """A submitted feed and where Amazon is with it."""

    feed_id: str
    feed_type: str
    status: str
    created: datetime
    marketplace_ids: tuple[str, ...]
    started: datetime | None = None
    ended: datetime | None = None
    result_document_id: str | None = None

    @property
    def finished(self) -> bool:
        """Amazon will not change this feed any more."""
        return self.status in TERMINAL


@dataclass(frozen=True)
class Document:
    """A presigned document location; `gzip` when Amazon compressed it."""

    document_id: str
    url: str
    gzip: bool = False


@dataclass
class ProcessingReport:
    """JSON_LISTINGS_FEED results: issues per message and the summary counts."""

    feed_id: str | None
    issues: list[tuple[int | None, str | None, Issue]] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)

    def issues_for(self, message_id: int) -> list[Issue]:
        """The issues reported for one message of the feed."""
        return [issue for mid, _, issue in self.issues if mid == message_id]


def parse_feed(data: object) -> Feed:
    """Parse a Feeds `Feed`."""
    row = Reader(data, "feed")
    row.subject = f"feed {row.text('feedId', required=True)}"
    return Feed(
        feed_id=row.text("feedId", required=True) or "",
        feed_type=row.text("feedType", required=True) or "",
        status=row.text("processingStatus", required=True) or "",
        created=row.moment("createdTime", required=True),  # type: ignore[arg-type]
        marketplace_ids=tuple(row.array("marketplaceIds")),
        started=row.moment("processingStartTime"),
        ended=row.moment("processingEndTime"),
        result_document_id=row.text("resultFeedDocumentId"),
    )


async def create_feed_document(
    client: SpApiClient, *, content_type: str = JSON_CONTENT_TYPE
) -> Document:
    """POST /feeds/2021-06-30/documents: where to upload the feed content."""
    response = await client.call(
        "createFeedDocument", "POST", f"{BASE}/documents", json={"contentType": content_type}
    )
    row = Reader(response.body, "createFeedDocument")
    return Document(
        row.text("feedDocumentId", required=True) or "", row.text("url", required=True) or ""
    )


async def create_feed(
    client: SpApiClient,
    *,
    feed_type: str,
    marketplace_ids: Sequence[str],
    document_id: str,
    options: dict[str, str] | None = None,
) -> str:
    """POST /feeds/2021-06-30/feeds; returns the feed id."""
    body: dict[str, Any] = {
        "feedType": feed_type,
        "marketplaceIds": list(marketplace_ids),
        "inputFeedDocumentId": document_id,
    }
    if options:
        body["feedOptions"] = options
    response = await client.call("createFeed", "POST", f"{BASE}/feeds", json=body)
    return Reader(response.body, "createFeed").text("feedId", required=True) or ""


async def get_feed(client: SpApiClient, feed_id: str) -> Feed:
    """GET /feeds/2021-06-30/feeds/{feedId}."""
    response = await client.call("getFeed", "GET", f"{BASE}/feeds/{feed_id}")
    return parse_feed(response.body)


async def cancel_feed(client: SpApiClient, feed_id: str) -> None:
    """DELETE /feeds/2021-06-30/feeds/{feedId} (only IN_QUEUE feeds can be cancelled)."""
    await client.call("cancelFeed", "DELETE", f"{BASE}/feeds/{feed_id}")


async def get_feed_document(client: SpApiClient, document_id: str) -> Document:
    """GET /feeds/2021-06-30/documents/{feedDocumentId}."""
    response = await client.call("getFeedDocument", "GET", f"{BASE}/documents/{document_id}")
    row = Reader(response.body, f"feed document {document_id}")
    return Document(
        row.text("feedDocumentId", required=True) or "",
        row.text("url", required=True) or "",
        row.text("compressionAlgorithm") == "GZIP",
    )


async def download_document(client: SpApiClient, document: Document) -> bytes:
    """Fetch a document's bytes, gunzipped when Amazon compressed them."""
    content = await client.download(document.url)
    return gzip.decompress(content) if document.gzip else content


def listings_feed(seller_id: str, messages: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A JSON_LISTINGS_FEED document; messages are numbered 1..n when they carry no id."""
    numbered = [
        {"messageId": index, **message} if "messageId" not in message else message
        for index, message in enumerate(messages, start=1)
    ]
    return {
        "header": {"sellerId": seller_id, "version": "2.0", "issueLocale": "en_US"},
        "messages": numbered,
    }


async def submit_listings_feed(
    client: SpApiClient, *, marketplace_ids: Sequence[str], messages: Sequence[dict[str, Any]]
) -> str:
    """Upload a JSON_LISTINGS_FEED and create the feed; returns the feed id."""
    document = await create_feed_document(client)
    content = json.dumps(listings_feed(client.store.selling_partner_id, messages)).encode()
    await client.upload(document.url, content, JSON_CONTENT_TYPE)
    return await create_feed(
        client,
        feed_type="JSON_LISTINGS_FEED",
        marketplace_ids=marketplace_ids,
        document_id=document.document_id,
    )


def parse_processing_report(content: bytes) -> ProcessingReport:
    """Parse a JSON_LISTINGS_FEED processing report."""
    row = Reader(json.loads(content), "feed processing report")
    header = row.obj("header", required=True)
    report = ProcessingReport(feed_id=header.text("feedId") if header else None)
    for entry in row.array("issues"):
        issue = Reader(entry, row.subject + ".issues")
        report.issues.append(
            (
                issue.integer("messageId"),
                issue.text("sku"),
                Issue(
                    code=issue.text("code") or "",
                    message=issue.text("message", required=True) or "",
                    severity=issue.text("severity", required=True) or "",
                    attribute_names=(a,) if (a := issue.text("attributeName")) else (),
                ),
            )
        )
    summary = row.obj("summary", required=True)
    assert summary is not None
    report.summary = {key: value for key, value in summary.data.items() if isinstance(value, int)}
    return report


async def read_processing_report(client: SpApiClient, feed: Feed) -> ProcessingReport:
    """Download and parse the processing report of a finished feed."""
    if not feed.result_document_id:
        raise ValueError(f"feed {feed.feed_id} has no processing report yet")
    document = await get_feed_document(client, feed.result_document_id)
    return parse_processing_report(await download_document(client, document))


async def get_feeds(
    client: SpApiClient,
    *,
    feed_types: Sequence[str] = (),
    processing_statuses: Sequence[str] = (),
    created_since: datetime | None = None,
    page_size: int = 10,
    next_token: str | None = None,
) -> Page[Feed]:
    """GET /feeds/2021-06-30/feeds; a follow-up page sends nextToken alone."""
    params: dict[str, object] = (
        {"nextToken": next_token}
        if next_token
        else {
            "feedTypes": list(feed_types),
            "processingStatuses": list(processing_statuses),
            "createdSince": iso(created_since) if created_since else None,
            "pageSize": page_size,
        }
    )
    response = await client.call("getFeeds", "GET", f"{BASE}/feeds", params=params)
    row = Reader(response.body, "getFeeds")
    return Page([parse_feed(f) for f in row.array("feeds", required=True)], row.text("nextToken"))
