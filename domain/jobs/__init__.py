"""Scheduled jobs: declaration, once-per-slot execution and the operation log."""

from skuport.domain.jobs.models import JobRun, OperationLog, RunStatus, Trigger
from skuport.domain.jobs.registry import DailyAt, Every, JobRegistry, JobSpec, JobTarget, UnknownJob
from skuport.domain.jobs.runner import JobContext, JobRunner, RunEvent, RunRecorder

__all__ = [
    "DailyAt",
    "Every",
    "JobContext",
    "JobRegistry",
    "JobRun",
    "JobRunner",
    "JobSpec",
    "JobTarget",
    "OperationLog",
    "RunEvent",
    "RunRecorder",
    "RunStatus",
    "Trigger",
    "UnknownJob",
]
