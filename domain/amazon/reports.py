"""Reports API 2021-06-30: request a report, follow it, download and parse its TSV by header."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from skuport.domain.amazon.client import SpApiClient
from skuport.domain.amazon.feeds import Document
from skuport.domain.amazon.paging import Page
from skuport.domain.amazon.parsing import Reader, iso

BASE = "/reports/2021-06-30"
ALL_LISTINGS = "GET_MERCHANT_LISTINGS_ALL_DATA"
ALL_ORDERS_BY_LAST_UPDATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
TERMINAL = frozenset({"DONE", "CANCELLED", "FATAL"})


@dataclass(frozen=True)
class Report:
    """A requested report and where Amazon is with it."""

    report_id: str
    report_type: str
    status: str
    created: datetime
    marketplace_ids: tuple[str, ...]
    data_start: datetime | None = None
    data_end: datetime | None = None
    document_id: str | None = None

    @property
    def finished(self) -> bool:
        """Amazon will not change this report any more (CANCELLED may mean "no data")."""
        return self.status in TERMINAL


def parse_report(data: object) -> Report:
    """Parse a Reports `Report`."""
    row = Reader(data, "report")
    row.subject = f"report {row.text('reportId', required=True)}"
    return Report(
        report_id=row.text("reportId", required=True) or "",
        report_type=row.text("reportType", required=True) or "",
        status=row.text("processingStatus", required=True) or "",
        created=row.moment("createdTime", required=True),  # type: ignore[arg-type]
        marketplace_ids=tuple(row.array("marketplaceIds")),
        data_start=row.moment("dataStartTime"),
        data_end=row.moment("dataEndTime"),
        document_id=row.text("reportDocumentId"),
    )


async def create_report(
    client: SpApiClient,
    *,
    report_type: str,
    marketplace_ids: Sequence[str],
    data_start: datetime | None = None,
    data_end: datetime | None = None,
    options: dict[str, str] | None = None,
) -> str:
    """POST /reports/2021-06-30/reports; returns the report id."""
    body: dict[str, object] = {"reportType": report_type, "marketplaceIds": list(marketplace_ids)}
    if data_start:
        body["dataStartTime"] = iso(data_start)
    if data_end:
        body["dataEndTime"] = iso(data_end)
    if options:
        body["reportOptions"] = options
    response = await client.call("createReport", "POST", f"{BASE}/reports", json=body)
    return Reader(response.body, "createReport").text("reportId", required=True) or ""


async def get_report(client: SpApiClient, report_id: str) -> Report:
    """GET /reports/2021-06-30/reports/{reportId}."""
    response = await client.call("getReport", "GET", f"{BASE}/reports/{report_id}")
    return parse_report(response.body)


async def get_reports(
    client: SpApiClient,
    *,
    report_types: Sequence[str] = (),
    processing_statuses: Sequence[str] = (),
    next_token: str | None = None,
) -> Page[Report]:
    """GET /reports/2021-06-30/reports; a follow-up page sends nextToken alone."""
    params: dict[str, object] = (
        {"nextToken": next_token}
        if next_token
        else {"reportTypes": list(report_types), "processingStatuses": list(processing_statuses)}
    )
    response = await client.call("getReports", "GET", f"{BASE}/reports", params=params)
    row = Reader(response.body, "getReports")
    return Page(
        [parse_report(r) for r in row.array("reports", required=True)], row.text("nextToken")
    )


async def cancel_report(client: SpApiClient, report_id: str) -> None:
    """DELETE /reports/2021-06-30/reports/{reportId}."""
    await client.call("cancelReport", "DELETE", f"{BASE}/reports/{report_id}")


async def get_report_document(client: SpApiClient, document_id: str) -> Document:
    """GET /reports/2021-06-30/documents/{reportDocumentId}."""
    response = await client.call("getReportDocument", "GET", f"{BASE}/documents/{document_id}")
    row = Reader(response.body, f"report document {document_id}")
    return Document(
        row.text("reportDocumentId", required=True) or "",
        row.text("url", required=True) or "",
        row.text("compressionAlgorithm") == "GZIP",
    )


# What a report without a declared charset is in when it is not UTF-8: Amazon Japan writes
# Shift_JIS (Windows' cp932), the European sites Windows-1252 (Latin-1 with a few more signs).
LEGACY_ENCODINGS = {"A1VC38T7YXB528": "cp932"}


def document_encoding(content: bytes, content_type: str, marketplace_ids: Sequence[str]) -> str:
    """The charset the document declares; else UTF-8 if it reads as such; else the
    marketplace's legacy encoding."""
    for part in content_type.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value.strip():
            charset = value.strip().strip('"').lower()
            charset = {"shift_jis": "cp932", "shift-jis": "cp932"}.get(charset, charset)
            try:
                return codecs.lookup(charset).name
            except LookupError:
                break  # a charset Python does not know: read as if none were declared
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        marketplace = marketplace_ids[0] if marketplace_ids else ""
        return LEGACY_ENCODINGS.get(marketplace, "cp1252")
    return "utf-8"


def parse_tsv(content: bytes, encoding: str = "utf-8") -> list[dict[str, str]]:
    """Rows of a tab-separated report keyed by header name (column order does not matter)."""
    text = content.decode(encoding, errors="replace").lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = list(reader)
    if not rows:
        return []
    header = [name.strip() for name in rows[0]]
    return [
        {name: (values[i] if i < len(values) else "") for i, name in enumerate(header)}
        for values in rows[1:]
        if any(values)
    ]


async def read_report(client: SpApiClient, report: Report) -> list[dict[str, str]]:
    """Download a DONE report's document and parse it into rows."""
    if not report.document_id:
        raise ValueError(f"report {report.report_id} has no document (status {report.status})")
    document = await get_report_document(client, report.document_id)
    content, content_type = await client.download_typed(document.url)
    if document.gzip:
        content = gzip.decompress(content)
    return parse_tsv(content, document_encoding(content, content_type, report.marketplace_ids))


@dataclass(frozen=True)
class ReportSchedule:
    """A standing request for a report every `period` (ISO-8601 duration such as PT1H)."""

    schedule_id: str
    report_type: str
    period: str
    marketplace_ids: tuple[str, ...]
    next_creation: datetime | None


async def create_report_schedule(
    client: SpApiClient,
    *,
    report_type: str,
    marketplace_ids: Sequence[str],
    period: str,
    next_creation: datetime | None = None,
) -> str:
    """POST /reports/2021-06-30/schedules (replaces a schedule of the same type+marketplaces)."""
    body: dict[str, object] = {
        "reportType": report_type,
        "marketplaceIds": list(marketplace_ids),
        "period": period,
    }
    if next_creation:
        body["nextReportCreationTime"] = iso(next_creation)
    response = await client.call("createReportSchedule", "POST", f"{BASE}/schedules", json=body)
    return (
        Reader(response.body, "createReportSchedule").text("reportScheduleId", required=True) or ""
    )


async def get_report_schedules(
    client: SpApiClient, *, report_types: Sequence[str]
) -> list[ReportSchedule]:
    """GET /reports/2021-06-30/schedules."""
    response = await client.call(
        "getReportSchedules", "GET", f"{BASE}/schedules", params={"reportTypes": list(report_types)}
    )
    row = Reader(response.body, "getReportSchedules")
    schedules = []
    for entry in row.array("reportSchedules", required=True):
        item = Reader(entry, "report schedule")
        schedules.append(
            ReportSchedule(
                schedule_id=item.text("reportScheduleId", required=True) or "",
                report_type=item.text("reportType", required=True) or "",
                period=item.text("period", required=True) or "",
                marketplace_ids=tuple(item.array("marketplaceIds")),
                next_creation=item.moment("nextReportCreationTime"),
            )
        )
    return schedules


async def cancel_report_schedule(client: SpApiClient, schedule_id: str) -> None:
    """DELETE /reports/2021-06-30/schedules/{reportScheduleId}."""
    await client.call("cancelReportSchedule", "DELETE", f"{BASE}/schedules/{schedule_id}")
