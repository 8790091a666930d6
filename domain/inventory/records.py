"""Loading records by id and guarding unique names: the two checks every service starts with.

Also the one rule of archived records: they still read wherever history points at them, but
choosing one for anything new (`load_usable`) is refused naming the field."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from sqlalchemy import Select, event, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from skuport.domain.errors import DuplicateName, InvalidValue, NotFound
from skuport.domain.unit_of_work import now_of

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


def describe(record: Any) -> str:
    """The record as the seller knows it: "tax rule 'VAT 20'", "account 4000", "product MUG-1"."""
    label = _label(type(record))
    for attribute in ("sku", "code"):
        if hasattr(record, attribute):
            return f"{label} {getattr(record, attribute)}"
    return f"{label} {getattr(record, 'name', record.id)!r}"


def refuse_archived(record: T, *, field: str) -> T:
    """`record`, unless it is archived: then refused, naming `field`."""
    if getattr(record, "archived_at", None) is not None:
        raise InvalidValue(field, f"{describe(record)} is archived; restore it or pick another")
    return record


async def load_usable(
    session: AsyncSession,
    model: type[T],
    record_id: int | None,
    *,
    field: str,
    current: int | None = None,
    lock: bool = False,
) -> T:
    """Like `load`, for a record chosen for something new: an archived one is refused.

    `current` is the id the field already holds: keeping an archived record where it already
    is (an edit that leaves the field as it was) is not choosing it anew."""
    record = await load(session, model, record_id, field=field, lock=lock)
    if record_id != current:
        refuse_archived(record, field=field)
    return record


async def load_usable_optional(
    session: AsyncSession,
    model: type[T],
    record_id: int | None,
    *,
    field: str,
    current: int | None = None,
) -> T | None:
    """Like `load_usable`, but None when no id is given."""
    if record_id is None:
        return None
    return await load_usable(session, model, record_id, field=field, current=current)


def set_archived(session: AsyncSession, record: Any, archived: bool) -> None:
    """Archive `record` now (by the unit of work's clock), or restore it; archiving an archived
    record keeps the time it was first archived."""
    if not archived:
        record.archived_at = None
    elif record.archived_at is None:
        record.archived_at = now_of(session)


def unarchived(statement: Select[Any], model: type[Any], *, include_archived: bool) -> Select[Any]:
    """`statement` without archived `model` rows, unless `include_archived`."""
    if include_archived:
        return statement
    return statement.where(model.archived_at.is_(None))


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
