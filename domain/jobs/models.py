"""Job runs (one claimed slot per run) and the operation log (LG-4)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skuport.domain.db.base import Base
from skuport.domain.db.types import UTCDateTime


class Trigger(enum.StrEnum):
    SCHEDULER = "scheduler"
    USER = "user"


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class JobRun(Base):
    """A job's claim on one slot: the unique key lets only one server run that slot."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job_name", "target", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_name: Mapped[str] = mapped_column(String(100))
    # "" for a global job; the store's key for a per-store job.
    target: Mapped[str] = mapped_column(String(100), default="")
    slot: Mapped[str] = mapped_column(String(100))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OperationLog(Base):
    """One run of an operation: who started it, its window, counts, errors and duration."""

    __tablename__ = "operation_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("job_runs.id", ondelete="SET NULL"), unique=True, default=None
    )
    operation: Mapped[str] = mapped_column(String(100), index=True)
    target: Mapped[str] = mapped_column(String(100), default="")
    trigger: Mapped[Trigger] = mapped_column(Enum(Trigger, native_enum=False, length=20))
    triggered_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[RunStatus] = mapped_column(
        Enum(RunStatus, native_enum=False, length=20), default=RunStatus.RUNNING
    )
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    window_end: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[int] = mapped_column(Integer, default=0)
    # How many items (listings, orders, quantities) the run expects to go through, when known.
    expected: Mapped[int | None] = mapped_column(Integer, default=None)
    # [{"item": "...", "reason": "..."}]: one entry per skipped item or failure.
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    message: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    duration_ms: Mapped[int | None] = mapped_column(Integer, default=None)

    job_run: Mapped[JobRun | None] = relationship(lazy="raise")
