"""Reports 2021-06-30 schedules: a report created every period, in virtual time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from skuport.sandbox.api_documents import REPORT_TYPES
from skuport.sandbox.http import (
    ApiError,
    csv_param,
    iso,
    json_response,
    operation,
    parse_time,
    state_of,
)
from skuport.sandbox.state import Job, SandboxState, Schedule, Seller

PERIODS: dict[str, timedelta] = {
    "PT5M": timedelta(minutes=5),
    "PT15M": timedelta(minutes=15),
    "PT30M": timedelta(minutes=30),
    "PT1H": timedelta(hours=1),
    "PT2H": timedelta(hours=2),
    "PT4H": timedelta(hours=4),
    "PT8H": timedelta(hours=8),
    "PT12H": timedelta(hours=12),
    "P1D": timedelta(days=1),
    "P2D": timedelta(days=2),
    "P3D": timedelta(days=3),
    "PT84H": timedelta(hours=84),
    "P7D": timedelta(days=7),
    "P14D": timedelta(days=14),
    "P15D": timedelta(days=15),
    "P18D": timedelta(days=18),
    "P30D": timedelta(days=30),
    "P1M": timedelta(days=30),
}


def render_schedule(schedule: Schedule) -> dict[str, Any]:
    """A `ReportSchedule`."""
    return {
        "reportScheduleId": schedule.schedule_id,
        "reportType": schedule.type,
        "marketplaceIds": schedule.marketplace_ids,
        "period": schedule.period,
        "nextReportCreationTime": iso(schedule.next_time),
    }


def run_schedules(state: SandboxState) -> None:
    """Create the reports every schedule owes up to now, each covering its period."""
    now = state.clock.now()
    for schedule in state.schedules.values():
        period = PERIODS[schedule.period]
        while schedule.next_time <= now:
            created = schedule.next_time
            delay = state.settings.report_delay
            job = Job(
                state.next_id(),
                schedule.seller_id,
                "report",
                schedule.type,
                schedule.marketplace_ids,
                created,
                created + delay / 5,
                created + delay,
                data_start=created - period,
                data_end=created,
                schedule_id=schedule.schedule_id,
            )
            state.jobs[job.job_id] = job
            schedule.next_time += period


async def create_schedule(request: Request, seller: Seller) -> Response:
    """createReportSchedule: a schedule, replacing one for the same type and marketplaces."""
    state = state_of(request)
    try:
        body = await request.json()
    except ValueError as error:
        raise ApiError(400, "InvalidInput", "Request body is not valid JSON") from error
    report_type, period = body.get("reportType"), body.get("period")
    marketplaces = list(body.get("marketplaceIds") or [])
    if report_type not in REPORT_TYPES or period not in PERIODS or not marketplaces:
        raise ApiError(400, "InvalidInput", "Invalid reportType, period or marketplaceIds")
    if any(m not in seller.marketplace_ids for m in marketplaces):
        raise ApiError(400, "InvalidInput", "Invalid marketplaceIds")
    start = parse_time(body.get("nextReportCreationTime"), "nextReportCreationTime")
    # A schedule for the same type and marketplaces replaces the existing one.
    for key, existing in list(state.schedules.items()):
        if (
            existing.seller_id == seller.seller_id
            and existing.type == report_type
            and sorted(existing.marketplace_ids) == sorted(marketplaces)
        ):
            del state.schedules[key]
    now = state.clock.now()
    schedule = Schedule(
        state.next_id("SCHED-"),
        seller.seller_id,
        report_type,
        marketplaces,
        period,
        start or now + PERIODS[period],
    )
    state.schedules[schedule.schedule_id] = schedule
    return json_response({"reportScheduleId": schedule.schedule_id}, 201)


async def get_schedules(request: Request, seller: Seller) -> Response:
    """getReportSchedules: the seller's schedules of some report types."""
    types = set(csv_param(request, "reportTypes"))
    if not types:
        raise ApiError(400, "InvalidInput", "reportTypes is required")
    schedules = [
        render_schedule(s)
        for s in state_of(request).schedules.values()
        if s.seller_id == seller.seller_id and s.type in types
    ]
    return json_response({"reportSchedules": schedules})


async def cancel_schedule(request: Request, seller: Seller) -> Response:
    """cancelReportSchedule: stop a schedule."""
    state = state_of(request)
    schedule = state.schedules.get(request.path_params["reportScheduleId"])
    if schedule is None or schedule.seller_id != seller.seller_id:
        raise ApiError(404, "NotFound", "Report schedule not found")
    del state.schedules[schedule.schedule_id]
    return Response(status_code=200)


SCHEDULES = "/reports/2021-06-30/schedules"
ROUTES = [
    Route(SCHEDULES, operation("createReportSchedule", create_schedule), methods=["POST"]),
    Route(SCHEDULES, operation("getReportSchedules", get_schedules), methods=["GET"]),
    Route(
        SCHEDULES + "/{reportScheduleId}",
        operation("cancelReportSchedule", cancel_schedule),
        methods=["DELETE"],
    ),
]
