"""Feeds and Reports 2021-06-30: documents, feed/report lifecycles processed in virtual time."""

from __future__ import annotations

import gzip
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from skuport.sandbox import feed_processing
from skuport.sandbox.http import (
    ApiError,
    csv_param,
    iso,
    json_response,
    operation,
    parse_time,
    state_of,
)
from skuport.sandbox.report_content import listings_report, orders_report
from skuport.sandbox.returns_reports import (
    FBA_RETURNS,
    MFN_RETURNS,
    fba_returns_report,
    mfn_returns_report,
)
from skuport.sandbox.state import Document, Job, SandboxState, Seller

FEED_TYPES = {"JSON_LISTINGS_FEED"}
REPORT_TYPES = {
    "GET_MERCHANT_LISTINGS_ALL_DATA",
    "GET_MERCHANT_LISTINGS_DATA",
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
    FBA_RETURNS,
    MFN_RETURNS,
}
# Report types built from a window of sandbox data, and the longest window Amazon accepts.
WINDOWED = {FBA_RETURNS: fba_returns_report, MFN_RETURNS: mfn_returns_report}
MAX_WINDOW = {MFN_RETURNS: timedelta(days=60)}


URL_LIFETIME = timedelta(minutes=5)


def document_url(request: Request, document_id: str) -> str:
    """The presigned-style URL a document is served at; like Amazon's, it expires in 5 minutes."""
    expires = int((state_of(request).amazon_now() + URL_LIFETIME).timestamp())
    base = str(request.base_url).rstrip("/")
    return f"{base}/_sandbox/documents/{document_id}?Expires={expires}"


def render_job(job: Job) -> dict[str, Any]:
    """A `Feed` or `Report` object."""
    prefix = "feed" if job.kind == "feed" else "report"
    body: dict[str, Any] = {
        f"{prefix}Id": job.job_id,
        f"{prefix}Type": job.type,
        "marketplaceIds": job.marketplace_ids,
        "createdTime": iso(job.created),
        "processingStatus": job.status,
    }
    if job.status in ("IN_PROGRESS", "DONE", "FATAL"):
        body["processingStartTime"] = iso(job.starts)
    if job.status in ("DONE", "FATAL"):
        body["processingEndTime"] = iso(job.ends)
    if job.result_document_id:
        body["resultFeedDocumentId" if job.kind == "feed" else "reportDocumentId"] = (
            job.result_document_id
        )
    if job.data_start:
        body["dataStartTime"] = iso(job.data_start)
    if job.data_end:
        body["dataEndTime"] = iso(job.data_end)
    if job.schedule_id:
        body["reportScheduleId"] = job.schedule_id
    return body


def finish_report(state: SandboxState, job: Job) -> None:
    """Build a report's gzip TSV document, or CANCEL it when there is no data."""
    if job.type == "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL":
        content, rows = orders_report(
            state,
            job.seller_id,
            job.marketplace_ids,
            job.data_start or job.created,
            job.data_end or job.created,
        )
    elif job.type in WINDOWED:
        content, rows = WINDOWED[job.type](
            state,
            job.seller_id,
            job.marketplace_ids,
            job.data_start or job.created,
            job.data_end or job.created,
        )
    else:
        content, rows = listings_report(state, job.seller_id, job.marketplace_ids[0])
    if rows == 0:
        job.status = "CANCELLED"
        return
    charset = state.settings.report_charset
    content = _as_sent(content, state)
    document = Document(
        state.next_id("amzn1.tortuga.4.na."),
        f"text/tab-separated-values; charset={charset}",
        gzip.compress(content, mtime=0),
        True,
    )
    state.documents[document.document_id] = document
    job.result_document_id = document.document_id
    job.status = "DONE"


def _as_sent(content: bytes, state: SandboxState) -> bytes:
    """The report in the staged charset, with two extra columns first when staged (real EU and
    JP reports are not always UTF-8, and carry columns the documentation does not list)."""
    text = content.decode("utf-8")
    if state.settings.report_extra_columns:
        lines = text.split("\n")
        lines = [
            ("url\tis-iba\t" if i == 0 else "\tfalse\t") + line if line else line
            for i, line in enumerate(lines)
        ]
        text = "\n".join(lines)
    return text.encode(state.settings.report_charset, errors="replace")


def advance_jobs(state: SandboxState) -> None:
    """Move feeds and reports along in virtual time."""
    now = state.clock.now()
    for job in state.jobs.values():
        if job.status == "IN_QUEUE" and now >= job.starts:
            job.status = "IN_PROGRESS"
        if job.status == "IN_PROGRESS" and now >= job.ends:
            if job.kind == "feed":
                feed_processing.finish_feed(state, job)
            else:
                finish_report(state, job)


def _own_job(state: SandboxState, job_id: str, seller: Seller, kind: str) -> Job:
    job = state.jobs.get(job_id)
    if job is None or job.seller_id != seller.seller_id or job.kind != kind:
        raise ApiError(404, "NotFound", f"The {kind} {job_id} was not found.")
    return job


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as error:
        raise ApiError(400, "InvalidInput", "Request body is not valid JSON") from error
    if not isinstance(body, dict):
        raise ApiError(400, "InvalidInput", "Request body must be an object")
    return body


def _new_job(
    state: SandboxState,
    seller: Seller,
    kind: str,
    kind_type: str,
    marketplaces: list[str],
    delay: timedelta,
) -> Job:
    for marketplace_id in marketplaces:
        if marketplace_id not in seller.marketplace_ids:
            raise ApiError(400, "InvalidInput", f"Invalid marketplaceId: {marketplace_id}")
    now = state.clock.now()
    job = Job(
        state.next_id(),
        seller.seller_id,
        kind,
        kind_type,
        marketplaces,
        now,
        now + delay / 5,
        now + delay,
    )
    state.jobs[job.job_id] = job
    return job


def _cancel(job: Job) -> Response:
    if job.status != "IN_QUEUE":
        raise ApiError(
            400, "InvalidInput", f"The {job.kind} is {job.status} and cannot be cancelled."
        )
    job.status = "CANCELLED"
    return Response(status_code=200)


async def create_feed_document(request: Request, seller: Seller) -> Response:
    """createFeedDocument: an empty document to upload a feed's content to."""
    state = state_of(request)
    body = await _json(request)
    if "contentType" not in body:
        raise ApiError(400, "InvalidInput", "contentType is required")
    document = Document(state.next_id("amzn1.tortuga.3.feed."), str(body["contentType"]))
    state.documents[document.document_id] = document
    return json_response(
        {
            "feedDocumentId": document.document_id,
            "url": document_url(request, document.document_id),
        },
        201,
    )


async def create_feed(request: Request, seller: Seller) -> Response:
    """createFeed: a feed of an uploaded document, processed after the feed delay."""
    state = state_of(request)
    body = await _json(request)
    if body.get("feedType") not in FEED_TYPES:
        raise ApiError(400, "InvalidInput", f"Invalid feedType: {body.get('feedType')}")
    document_id = body.get("inputFeedDocumentId")
    if document_id not in state.documents:
        raise ApiError(400, "InvalidInput", "Invalid inputFeedDocumentId")
    job = _new_job(
        state,
        seller,
        "feed",
        body["feedType"],
        list(body.get("marketplaceIds") or []),
        state.settings.feed_delay,
    )
    job.input_document_id = document_id
    return json_response({"feedId": job.job_id}, 202)


async def get_feed(request: Request, seller: Seller) -> Response:
    """getFeed: one of the seller's feeds."""
    job = _own_job(state_of(request), request.path_params["feedId"], seller, "feed")
    return json_response(render_job(job))


def _matching_feeds(request: Request, state: SandboxState, seller: Seller) -> list[str]:
    """The ids of the seller's feeds the getFeeds filters select, newest first."""
    types = set(csv_param(request, "feedTypes"))
    statuses = set(csv_param(request, "processingStatuses"))
    since = parse_time(request.query_params.get("createdSince"), "createdSince")
    jobs = [
        j
        for j in state.jobs.values()
        if j.kind == "feed"
        and j.seller_id == seller.seller_id
        and (not types or j.type in types)
        and (not statuses or j.status in statuses)
        and (since is None or j.created >= since)
    ]
    jobs.sort(key=lambda j: (j.created, j.job_id), reverse=True)
    return [j.job_id for j in jobs]


async def get_feeds(request: Request, seller: Seller) -> Response:
    """getFeeds: a page of the seller's feeds, newest first."""
    state = state_of(request)
    q = request.query_params
    token = q.get("nextToken")
    if token and len(q) > 1:
        raise ApiError(400, "InvalidInput", "nextToken must be sent alone")
    if token:
        saved = state.page_tokens.get(token)
        if saved is None or saved.get("seller") != seller.seller_id:
            raise ApiError(400, "InvalidInput", "Invalid nextToken")
        ids, offset, size = saved["ids"], saved["offset"], saved["size"]
    else:
        size = int(q.get("pageSize", "10"))
        if not 1 <= size <= 100:
            raise ApiError(400, "InvalidInput", "pageSize must be between 1 and 100")
        ids, offset = _matching_feeds(request, state, seller), 0
    body: dict[str, Any] = {
        "feeds": [render_job(state.jobs[i]) for i in ids[offset : offset + size]]
    }
    if offset + size < len(ids):
        next_token = state.next_id("FEEDS-")
        state.page_tokens[next_token] = {
            "seller": seller.seller_id,
            "ids": ids,
            "offset": offset + size,
            "size": size,
        }
        body["nextToken"] = next_token
    return json_response(body)


async def cancel_feed(request: Request, seller: Seller) -> Response:
    """cancelFeed: cancel a feed still in the queue."""
    return _cancel(_own_job(state_of(request), request.path_params["feedId"], seller, "feed"))


async def get_document(request: Request, seller: Seller) -> Response:
    """getFeedDocument and getReportDocument: where a document is served."""
    document_id = request.path_params["documentId"]
    document = state_of(request).documents.get(document_id)
    if document is None:
        raise ApiError(404, "NotFound", f"Document {document_id} not found.")
    key = "feedDocumentId" if "/feeds/" in request.url.path else "reportDocumentId"
    body = {key: document_id, "url": document_url(request, document_id)}
    if document.gzip:
        body["compressionAlgorithm"] = "GZIP"
    return json_response(body)


async def create_report(request: Request, seller: Seller) -> Response:
    """createReport: a report of a window, built after the report delay."""
    state = state_of(request)
    body = await _json(request)
    if body.get("reportType") not in REPORT_TYPES:
        raise ApiError(400, "InvalidInput", f"Invalid reportType: {body.get('reportType')}")
    marketplaces = list(body.get("marketplaceIds") or [])
    if not marketplaces:
        raise ApiError(400, "InvalidInput", "marketplaceIds is required")
    job = _new_job(
        state, seller, "report", body["reportType"], marketplaces, state.settings.report_delay
    )
    job.data_start = parse_time(body.get("dataStartTime"), "dataStartTime") or (
        job.created - timedelta(days=30)
    )
    job.data_end = parse_time(body.get("dataEndTime"), "dataEndTime") or job.created
    longest = MAX_WINDOW.get(job.type)
    if longest and job.data_end - job.data_start > longest:
        del state.jobs[job.job_id]
        raise ApiError(
            400, "InvalidInput", f"The report period must not exceed {longest.days} days"
        )
    return json_response({"reportId": job.job_id}, 202)


async def get_report(request: Request, seller: Seller) -> Response:
    """getReport: one of the seller's reports."""
    job = _own_job(state_of(request), request.path_params["reportId"], seller, "report")
    return json_response(render_job(job))


async def get_reports(request: Request, seller: Seller) -> Response:
    """getReports: a page of the seller's reports of some types, newest first."""
    state = state_of(request)
    types = set(request.query_params.get("reportTypes", "").split(",")) - {""}
    token = request.query_params.get("nextToken")
    if token and len(request.query_params) > 1:
        raise ApiError(400, "InvalidInput", "nextToken must be sent alone")
    if not token and not types:
        raise ApiError(400, "InvalidInput", "reportTypes is required")
    saved = state.page_tokens.get(token) if token else None
    if token and saved is None:
        raise ApiError(400, "InvalidInput", "Invalid nextToken")
    if saved:
        types, offset = saved["types"], saved["offset"]
    else:
        offset = 0
    jobs = [
        j
        for j in state.jobs.values()
        if j.kind == "report" and j.seller_id == seller.seller_id and j.type in types
    ]
    jobs.sort(key=lambda j: j.created, reverse=True)
    body: dict[str, Any] = {"reports": [render_job(j) for j in jobs[offset : offset + 10]]}
    if offset + 10 < len(jobs):
        next_token = state.next_id("REPORTS-")
        state.page_tokens[next_token] = {"types": types, "offset": offset + 10}
        body["nextToken"] = next_token
    return json_response(body)


async def cancel_report(request: Request, seller: Seller) -> Response:
    """cancelReport: cancel a report still in the queue."""
    return _cancel(_own_job(state_of(request), request.path_params["reportId"], seller, "report"))


FEEDS = "/feeds/2021-06-30"
REPORTS = "/reports/2021-06-30"
ROUTES = [
    Route(
        f"{FEEDS}/documents",
        operation("createFeedDocument", create_feed_document),
        methods=["POST"],
    ),
    Route(f"{FEEDS}/documents/{{documentId}}", operation("getFeedDocument", get_document)),
    Route(f"{FEEDS}/feeds", operation("createFeed", create_feed), methods=["POST"]),
    Route(f"{FEEDS}/feeds", operation("getFeeds", get_feeds), methods=["GET"]),
    Route(f"{FEEDS}/feeds/{{feedId}}", operation("getFeed", get_feed), methods=["GET"]),
    Route(f"{FEEDS}/feeds/{{feedId}}", operation("cancelFeed", cancel_feed), methods=["DELETE"]),
    Route(f"{REPORTS}/reports", operation("createReport", create_report), methods=["POST"]),
    Route(f"{REPORTS}/reports", operation("getReports", get_reports), methods=["GET"]),
    Route(f"{REPORTS}/reports/{{reportId}}", operation("getReport", get_report), methods=["GET"]),
    Route(
        f"{REPORTS}/reports/{{reportId}}",
        operation("cancelReport", cancel_report),
        methods=["DELETE"],
    ),
    Route(f"{REPORTS}/documents/{{documentId}}", operation("getReportDocument", get_document)),
]
