"""Feeds and Reports 2021-06-30: documents, feed/report lifecycles processed in virtual time."""

from __future__ import annotations

import gzip
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from skuport.sandbox import feed_processing
from skuport.sandbox.http import ApiError, Sandbox, csv_param, iso, json_response, parse_time
from skuport.sandbox.report_content import listings_report, orders_report
from skuport.sandbox.state import Document, Job, SandboxState, Seller

FEED_TYPES = {"JSON_LISTINGS_FEED"}
REPORT_TYPES = {
    "GET_MERCHANT_LISTINGS_ALL_DATA",
    "GET_MERCHANT_LISTINGS_DATA",
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
}


def document_url(request: Request, document_id: str) -> str:
    """The presigned-style URL a document is served at."""
    return str(request.base_url).rstrip("/") + f"/_sandbox/documents/{document_id}"


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
    else:
        content, rows = listings_report(state, job.seller_id, job.marketplace_ids[0])
    if rows == 0:
        job.status = "CANCELLED"
        return
    document = Document(
        state.next_id("amzn1.tortuga.4.na."),
        "text/tab-separated-values",
        gzip.compress(content, mtime=0),
        True,
    )
    state.documents[document.document_id] = document
    job.result_document_id = document.document_id
    job.status = "DONE"


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


def register(sandbox: Sandbox) -> list[Route]:
    """The routes of the Feeds and Reports APIs."""
    state = sandbox.state
    sandbox.ticks.append(lambda: advance_jobs(state))

    async def _json(request: Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError as error:
            raise ApiError(400, "InvalidInput", "Request body is not valid JSON") from error
        if not isinstance(body, dict):
            raise ApiError(400, "InvalidInput", "Request body must be an object")
        return body

    def _new_job(
        seller: Seller, kind: str, kind_type: str, marketplaces: list[str], delay: Any
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

    async def create_feed_document(request: Request, seller: Seller) -> Response:
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
        body = await _json(request)
        if body.get("feedType") not in FEED_TYPES:
            raise ApiError(400, "InvalidInput", f"Invalid feedType: {body.get('feedType')}")
        document_id = body.get("inputFeedDocumentId")
        if document_id not in state.documents:
            raise ApiError(400, "InvalidInput", "Invalid inputFeedDocumentId")
        job = _new_job(
            seller,
            "feed",
            body["feedType"],
            list(body.get("marketplaceIds") or []),
            state.settings.feed_delay,
        )
        job.input_document_id = document_id
        return json_response({"feedId": job.job_id}, 202)

    async def get_feed(request: Request, seller: Seller) -> Response:
        return json_response(
            render_job(_own_job(state, request.path_params["feedId"], seller, "feed"))
        )

    async def get_feeds(request: Request, seller: Seller) -> Response:
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
            types = set(csv_param(request, "feedTypes"))
            statuses = set(csv_param(request, "processingStatuses"))
            since = parse_time(q.get("createdSince"), "createdSince")
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
            ids, offset = [j.job_id for j in jobs], 0
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
        job = _own_job(state, request.path_params["feedId"], seller, "feed")
        if job.status != "IN_QUEUE":
            raise ApiError(
                400, "InvalidInput", f"The feed is {job.status} and cannot be cancelled."
            )
        job.status = "CANCELLED"
        return Response(status_code=200)

    async def get_document(request: Request, seller: Seller) -> Response:
        document_id = request.path_params["documentId"]
        document = state.documents.get(document_id)
        if document is None:
            raise ApiError(404, "NotFound", f"Document {document_id} not found.")
        key = "feedDocumentId" if "/feeds/" in request.url.path else "reportDocumentId"
        body = {key: document_id, "url": document_url(request, document_id)}
        if document.gzip:
            body["compressionAlgorithm"] = "GZIP"
        return json_response(body)

    async def create_report(request: Request, seller: Seller) -> Response:
        body = await _json(request)
        if body.get("reportType") not in REPORT_TYPES:
            raise ApiError(400, "InvalidInput", f"Invalid reportType: {body.get('reportType')}")
        marketplaces = list(body.get("marketplaceIds") or [])
        if not marketplaces:
            raise ApiError(400, "InvalidInput", "marketplaceIds is required")
        job = _new_job(
            seller, "report", body["reportType"], marketplaces, state.settings.report_delay
        )
        job.data_start = parse_time(body.get("dataStartTime"), "dataStartTime") or (
            job.created - timedelta(days=30)
        )
        job.data_end = parse_time(body.get("dataEndTime"), "dataEndTime") or job.created
        return json_response({"reportId": job.job_id}, 202)

    async def get_report(request: Request, seller: Seller) -> Response:
        return json_response(
            render_job(_own_job(state, request.path_params["reportId"], seller, "report"))
        )

    async def get_reports(request: Request, seller: Seller) -> Response:
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
        job = _own_job(state, request.path_params["reportId"], seller, "report")
        if job.status != "IN_QUEUE":
            raise ApiError(
                400, "InvalidInput", f"The report is {job.status} and cannot be cancelled."
            )
        job.status = "CANCELLED"
        return Response(status_code=200)

    def op(name: str, handler: Any) -> Any:
        return sandbox.operation(name, handler)

    return [
        Route(
            "/feeds/2021-06-30/documents",
            op("createFeedDocument", create_feed_document),
            methods=["POST"],
        ),
        Route("/feeds/2021-06-30/documents/{documentId}", op("getFeedDocument", get_document)),
        Route("/feeds/2021-06-30/feeds", op("createFeed", create_feed), methods=["POST"]),
        Route("/feeds/2021-06-30/feeds", op("getFeeds", get_feeds), methods=["GET"]),
        Route("/feeds/2021-06-30/feeds/{feedId}", op("getFeed", get_feed), methods=["GET"]),
        Route(
            "/feeds/2021-06-30/feeds/{feedId}", op("cancelFeed", cancel_feed), methods=["DELETE"]
        ),
        Route("/reports/2021-06-30/reports", op("createReport", create_report), methods=["POST"]),
        Route("/reports/2021-06-30/reports", op("getReports", get_reports), methods=["GET"]),
        Route(
            "/reports/2021-06-30/reports/{reportId}", op("getReport", get_report), methods=["GET"]
        ),
        Route(
            "/reports/2021-06-30/reports/{reportId}",
            op("cancelReport", cancel_report),
            methods=["DELETE"],
        ),
        Route("/reports/2021-06-30/documents/{documentId}", op("getReportDocument", get_document)),
    ]
