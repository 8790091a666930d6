"""Scheduled jobs: declaration, once-per-slot execution and the operation log."""

from domain.jobs.models import JobRun, OperationLog, RunStatus, Trigger
from domain.jobs.registry import DailyAt, Every, JobRegistry, JobSpec, JobTarget, UnknownJob
from domain.jobs.runner import JobContext, JobRunner, RunEvent, RunRecorder

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
