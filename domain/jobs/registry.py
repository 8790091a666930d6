"""Where features declare their scheduled jobs: global or per store, interval or daily."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from skuport.domain.jobs.runner import JobContext


@dataclass(frozen=True)
class Every:
    """Run every `minutes` minutes."""

    minutes: int

    def __post_init__(self) -> None:
        if self.minutes < 1:
            raise ValueError("an interval is at least one minute")

    def slot(self, moment: datetime) -> str:
        """The interval that `moment` falls in: two servers firing late or early agree on it."""
        return f"every{self.minutes}m-{int(moment.timestamp()) // (self.minutes * 60)}"


@dataclass(frozen=True)
class DailyAt:
    """Run once a day at a local time in a time zone (DST handled by the zone)."""

    at: time
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc

    def slot(self, moment: datetime) -> str:
        """The local date of `moment` in the job's time zone."""
        return f"daily-{moment.astimezone(ZoneInfo(self.timezone)).date().isoformat()}"


Schedule = Every | DailyAt


@dataclass(frozen=True)
class JobTarget:
    """One thing a per-store job runs for (a store), with that store's own schedule."""

    key: str
    label: str
    schedule: Schedule


JobFunction = Callable[["JobContext"], Awaitable[None]]
TargetLister = Callable[[AsyncSession], Awaitable[list[JobTarget]]]


@dataclass(frozen=True)
class JobSpec:
    """A job a feature declares: a global one has `schedule`, a per-store one has `targets`."""

    name: str
    description: str
    run: JobFunction
    schedule: Schedule | None = None
    targets: TargetLister | None = None
    options: dict[str, Any] = field(default_factory=dict)
    # Jobs naming the same group never run twice at once for one target (store), on any
    # server: a run that finds one running is skipped with a note (see jobs/claims.py).
    one_at_a_time: str | None = None
    # What the group does, in the seller's words, for that note ("the catalog download").
    doing: str = ""

    def __post_init__(self) -> None:
        if (self.schedule is None) == (self.targets is None):
            raise ValueError(f"job {self.name!r} needs either a schedule or targets, not both")


class UnknownJob(LookupError):
    """No job of that name is registered."""


class JobRegistry:
    """The jobs of this installation, by name."""

    def __init__(self) -> None:
        self._specs: dict[str, JobSpec] = {}

    def register(self, spec: JobSpec) -> JobSpec:
        """Add a job; names are unique."""
        if spec.name in self._specs:
            raise ValueError(f"a job named {spec.name!r} is already registered")
        self._specs[spec.name] = spec
        return spec

    def get(self, name: str) -> JobSpec:
        """The job called `name`."""
        try:
            return self._specs[name]
        except KeyError:
            known = ", ".join(sorted(self._specs)) or "none"
            raise UnknownJob(f"no job named {name!r} (known: {known})") from None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted(self._specs.values(), key=lambda spec: spec.name))

    def __len__(self) -> int:
        return len(self._specs)


def utc(moment: datetime) -> datetime:
    """`moment` in UTC (naive values are refused)."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no place here")
    return moment.astimezone(UTC)
