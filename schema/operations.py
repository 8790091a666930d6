"""Operation log, jobs and live run events (LG-4, BX-4)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from skuport.domain.jobs import DailyAt, Every, JobSpec, OperationLog, RunEvent, UnknownJob
from skuport.domain.jobs import RunStatus as DomainRunStatus
from skuport.domain.jobs import Trigger as DomainTrigger
from skuport.domain.jobs.service import get_run, runs_query
from skuport.schema.context import Info, Services
from skuport.schema.errors import InvalidInput, NotFound, UserError
from skuport.schema.ids import is_id, to_int
from skuport.schema.live import while_token_valid
from skuport.schema.pagination import Connection, paginate
from skuport.schema.permissions import OPERATORS, READERS, allow

RunStatus = strawberry.enum(DomainRunStatus, name="RunStatus")
RunTrigger = strawberry.enum(DomainTrigger, name="RunTrigger")


@strawberry.type(description="An item a run skipped or failed on, with the reason.")
class RunError:
    item: str
    reason: str


# LG-4
@strawberry.type(description="One run of an operation.")
class OperationRun:
    id: strawberry.ID
    operation: str
    target: str = strawberry.field(description="The store the run was for; empty for global jobs.")
    trigger: RunTrigger  # type: ignore[valid-type]
    triggered_by: str
    status: RunStatus  # type: ignore[valid-type]
    window_start: datetime | None
    window_end: datetime | None
    processed: int
    skipped: int
    cancelled: int
    expected: int | None = strawberry.field(
        description=(
            "How many items (listings, orders, quantities) the run expects to go through, when "
            "known: processed + skipped + cancelled grow towards it."
        )
    )
    errors: list[RunError]
    message: str
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int | None

    @classmethod
    def from_model(cls, entry: OperationLog) -> OperationRun:
        return cls(
            id=strawberry.ID(str(entry.id)),
            operation=entry.operation,
            target=entry.target,
            trigger=entry.trigger,
            triggered_by=entry.triggered_by,
            status=entry.status,
            window_start=entry.window_start,
            window_end=entry.window_end,
            processed=entry.processed,
            skipped=entry.skipped,
            cancelled=entry.cancelled,
            expected=entry.expected,
            errors=[
                RunError(item=e.get("item", ""), reason=e.get("reason", "")) for e in entry.errors
            ],
            message=entry.message,
            started_at=entry.started_at,
            finished_at=entry.finished_at,
            duration_ms=entry.duration_ms,
        )


def describe_schedule(spec: JobSpec) -> str:
    """The schedule in words."""
    if isinstance(spec.schedule, Every):
        return f"every {spec.schedule.minutes} minutes"
    if isinstance(spec.schedule, DailyAt):
        return f"daily at {spec.schedule.at:%H:%M} {spec.schedule.timezone}"
    return "per store, on each store's schedule"


@strawberry.type(description="A job the scheduler runs, which can also be run now.")
class Job:
    name: str
    description: str
    schedule: str
    per_store: bool


@strawberry.type(description="A live update of a run's progress.")
class RunUpdate:
    run_id: strawberry.ID
    operation: str
    target: str
    status: RunStatus  # type: ignore[valid-type]
    processed: int
    skipped: int
    cancelled: int
    expected: int | None = strawberry.field(
        description=(
            "How many items (listings, orders, quantities) the run expects to go through, when "
            "known: processed + skipped + cancelled grow towards it."
        )
    )
    message: str
    at: datetime

    @classmethod
    def from_model(cls, entry: OperationLog) -> RunUpdate:
        """The run as last saved, as an update."""
        return cls(
            run_id=strawberry.ID(str(entry.id)),
            operation=entry.operation,
            target=entry.target,
            status=entry.status,
            processed=entry.processed,
            skipped=entry.skipped,
            cancelled=entry.cancelled,
            expected=entry.expected,
            message=entry.message,
            at=entry.finished_at or entry.started_at,
        )

    @classmethod
    def from_event(cls, event: RunEvent) -> RunUpdate:
        return cls(
            run_id=strawberry.ID(str(event.run_id)),
            operation=event.operation,
            target=event.target,
            status=event.status,
            processed=event.processed,
            skipped=event.skipped,
            cancelled=event.cancelled,
            expected=event.expected,
            message=event.message,
            at=event.at,
        )


@strawberry.type(description="The job was started; follow it with runUpdates or the run's id.")
class JobStarted:
    run: OperationRun


@strawberry.type(description="No job has that name.")
class UnknownJobError(UserError):
    known: list[str]


TriggerJobResult = Annotated[
    JobStarted | UnknownJobError | InvalidInput, strawberry.union("TriggerJobResult")
]
RunResult = Annotated[OperationRun | NotFound, strawberry.union("RunResult")]


@strawberry.type
class OperationsQuery:
    @strawberry.field(permission_classes=allow(*READERS), description="Runs, newest first.")
    async def runs(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        operation: str | None = None,
    ) -> Connection[OperationRun]:
        async with info.context.services.sessions() as session:
            return await paginate(
                session,
                runs_query(operation=operation),
                key=OperationLog.id,
                first=first,
                after=after,
                convert=OperationRun.from_model,
            )

    @strawberry.field(permission_classes=allow(*READERS))
    async def run(self, info: Info, id: strawberry.ID) -> RunResult:  # type: ignore[valid-type]
        async with info.context.services.sessions() as session:
            entry = await get_run(session, run_id=to_int(id)) if is_id(id) else None
        if entry is None:
            return NotFound(message=f"no run with id {id}", field="id")
        return OperationRun.from_model(entry)

    @strawberry.field(permission_classes=allow(*READERS), description="Registered jobs.")
    def jobs(self, info: Info) -> list[Job]:
        return [
            Job(
                name=spec.name,
                description=spec.description,
                schedule=describe_schedule(spec),
                per_store=spec.targets is not None,
            )
            for spec in info.context.services.registry
        ]


@strawberry.type
class OperationsMutation:
    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description="Run a global job now, in the background; returns its run.",
    )
    async def trigger_job(
        self,
        info: Info,
        name: str,
        target: Annotated[
            str | None, strawberry.argument(description="For a per-store job: the store's id.")
        ] = None,
    ) -> TriggerJobResult:  # type: ignore[valid-type]
        services = info.context.services
        try:
            spec = services.registry.get(name)
        except UnknownJob as exc:
            return UnknownJobError(
                message=str(exc), field="name", known=[s.name for s in services.registry]
            )
        job_target = None
        if spec.targets is not None:
            async with services.sessions() as session:
                targets = {t.key: t for t in await spec.targets(session)}
            job_target = targets.get(target or "")
            if job_target is None:
                return InvalidInput(
                    message=f"“{spec.description}” runs for one store: pick the store",
                    field="target",
                )
        principal = info.context.principal
        entry = await services.runner.start(
            spec, triggered_by=principal.name if principal else "", target=job_target
        )
        return JobStarted(run=OperationRun.from_model(entry))


@strawberry.type
class OperationsSubscription:
    @strawberry.subscription(
        permission_classes=allow(*READERS),
        # BX-4
        description="Live progress of runs as they happen.",
    )
    async def run_updates(
        self,
        info: Info,
        operation: str | None = None,
        run_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description=(
                    "Follow one run: its state now first, then its updates; the stream ends "
                    "when the run has finished."
                )
            ),
        ] = None,
    ) -> AsyncGenerator[RunUpdate, None]:
        services = info.context.services
        events = services.bus.subscribe(RunEvent)  # listening before the run is read
        try:
            if run_id is not None:
                updates = _one_run(services, events, str(run_id))
            else:
                updates = _matching(events, operation)
            async for update in while_token_valid(info, updates):
                yield update
        finally:
            await events.aclose()


async def _matching(
    events: AsyncGenerator[RunEvent, None], operation: str | None
) -> AsyncGenerator[RunUpdate, None]:
    async for event in events:
        if operation is None or event.operation == operation:
            yield RunUpdate.from_event(event)


async def _one_run(
    services: Services, events: AsyncGenerator[RunEvent, None], run_id: str
) -> AsyncGenerator[RunUpdate, None]:
    """The run as saved, then its live updates until it has finished."""
    async with services.sessions() as session:
        entry = await get_run(session, run_id=to_int(run_id)) if is_id(run_id) else None
    if entry is None:
        return
    yield RunUpdate.from_model(entry)
    if entry.status is not DomainRunStatus.RUNNING:
        return
    async for event in events:
        if event.run_id == entry.id:
            yield RunUpdate.from_event(event)
            if event.status is not DomainRunStatus.RUNNING:
                return


__all__ = ["OperationsMutation", "OperationsQuery", "OperationsSubscription"]
