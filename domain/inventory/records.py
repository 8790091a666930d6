"""Loading records by id and guarding unique names: the two checks every service starts with."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from skuport.domain.errors import DuplicateName, NotFound

T = TypeVar("T")

# (model, id) of rows this transaction has locked (or inserted): they cannot change under us
# until it ends, so locking them again needs no query.
LOCKED = "inventory.locked"


def remember_locked(session: AsyncSession, record: Any) -> None:
    """Note that this transaction holds `record` (locked or inserted by it)."""
    remember_locked_id(session, type(record), record.id)


def remember_locked_id(session: AsyncSession, model: type[Any], record_id: int) -> None:
    """Note that this transaction holds the `model` row `record_id` (e.g. bulk-inserted)."""
    session.info.setdefault(LOCKED, set()).add((model, record_id))


async def load(
    session: AsyncSession, model: type[T], record_id: int | None, *, field: str, lock: bool = False
) -> T:
    """The `model` row with `record_id`, or NotFound naming `field`."""
    if record_id is None:
        raise NotFound(field, f"no {_label(model)} given")
    if lock and (model, record_id) in session.info.get(LOCKED, ()):
        held = await session.get(model, record_id)
        if held is not None:
            return held
    if lock:
        # populate_existing: a row already in the session is re-read under the lock.
        statement = (
            select(model)
            .where(model.id == record_id)  # type: ignore[attr-defined]
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        record = await session.scalar(statement)
        if record is not None:
            remember_locked(session, record)
    else:
        record = await session.get(model, record_id)
    if record is None:
        raise NotFound(field, f"{_label(model)} {record_id} does not exist")
    return record


async def load_optional(
    session: AsyncSession, model: type[T], record_id: int | None, *, field: str
) -> T | None:
    """Like `load`, but None when no id is given."""
    if record_id is None:
        return None
    return await load(session, model, record_id, field=field)


async def ensure_unique(
    session: AsyncSession,
    model: type[Any],
    column: str,
    value: str,
    *,
    field: str,
    exclude_id: int | None = None,
    error: type[Exception] = DuplicateName,
) -> None:
    """Refuse `value` when another `model` row has it in `column` (case-insensitively)."""
    attribute = getattr(model, column)
    statement = select(model.id).where(func.lower(attribute) == value.lower())
    if exclude_id is not None:
        statement = statement.where(model.id != exclude_id)
    if await session.scalar(statement.limit(1)) is not None:
        raise error(field, f"a {_label(model)} with {column} {value!r} already exists")


def _label(model: type[Any]) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _release_locks(session: Session, *_transaction: Any) -> None:
    # Any rollback, a savepoint's too, may have released locks: forget them all.
    session.info.pop(LOCKED, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_names_on_rollback(session: Session, *_transaction: Any) -> None:
    # A rollback (a savepoint's too) may have undone a row found or made by name.
    session.info.pop(NAMED, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_names_at_the_end(session: Session, transaction: Any) -> None:
    # Releasing a savepoint keeps its rows, and so does the end of a flush's inner
    # transaction; only the end of the whole (outermost) transaction forgets.
    if transaction.parent is None:
        session.info.pop(NAMED, None)


NAMED = "inventory.named_ids"


def remembered_id(session: AsyncSession, model: type[Any], name: str) -> int | None:
    """The id of a `model` row found or made by name earlier in this transaction."""
    return session.info.get(NAMED, {}).get((model, name.lower()))


def remember_id(session: AsyncSession, model: type[Any], name: str, record_id: int) -> None:
    """Remember a row found by name until the transaction commits or anything rolls back."""
    session.info.setdefault(NAMED, {})[(model, name.lower())] = record_id
