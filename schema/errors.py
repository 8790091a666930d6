"""Typed errors returned inside mutation result unions (never as stack traces)."""

from __future__ import annotations

import re
from typing import Any

import strawberry

from skuport.domain.errors import DomainError, ErrorCode


@strawberry.interface(description="A request that was understood but refused; nothing changed.")
class UserError:
    message: str
    field: str | None = strawberry.field(
        default=None, description="The input field at fault, when one is."
    )


@strawberry.type(description="The thing named does not exist.")
class NotFound(UserError):
    pass


@strawberry.type(description="An input value is not acceptable.")
class InvalidInput(UserError):
    pass


@strawberry.type(description="The action is not possible in the object's current state.")
class InvalidState(UserError):
    pass


@strawberry.type(description="Another record already has this name.")
class DuplicateName(UserError):
    pass


@strawberry.type(description="Another product already has this SKU.")
class DuplicateSku(UserError):
    pass


@strawberry.type(description="Amazon refused the credentials or could not be reached.")
class ConnectionFailed(UserError):
    pass


@strawberry.type(description="One price tier cannot serve marketplaces in different currencies.")
class PriceTierConflict(UserError):
    pass


@strawberry.type(description="The location does not hold enough stock.")
class InsufficientStock(UserError):
    pass


@strawberry.type(
    description="The record is in use, so it cannot be changed or retired this way; the message "
    "says what uses it and what to do instead."
)
class RecordInUse(UserError):
    pass


# Each refusal code answers with exactly one typed error; a code without one is a bug that
# tests/schema/test_error_contract.py catches (there is no fallback).
ERROR_TYPES: dict[ErrorCode, type[UserError]] = {
    ErrorCode.NOT_FOUND: NotFound,
    ErrorCode.INVALID_VALUE: InvalidInput,
    ErrorCode.INVALID_STATE: InvalidState,
    ErrorCode.DUPLICATE_NAME: DuplicateName,
    ErrorCode.DUPLICATE_SKU: DuplicateSku,
    ErrorCode.CONNECTION_FAILED: ConnectionFailed,
    ErrorCode.PRICE_TIER_CONFLICT: PriceTierConflict,
    ErrorCode.INSUFFICIENT_STOCK: InsufficientStock,
    ErrorCode.IN_USE: RecordInUse,
}

_WORD_AFTER_UNDERSCORE = re.compile(r"_([a-z0-9])")


def api_field(path: str | None) -> str | None:
    """The API's camelCase name of a domain field path: lines[2].tax_rule_id -> lines[2].taxRuleId.

    The one place where the domain's snake_case field paths meet the API's casing."""
    if path is None:
        return None
    return _WORD_AFTER_UNDERSCORE.sub(lambda m: m.group(1).upper(), path)


def refused(error: DomainError, **renames: str) -> Any:
    """The typed GraphQL error of a domain refusal, naming the API's input field.

    `renames` maps a domain field to an argument the resolver names otherwise, e.g.
    `refused(error, product_id="id")`; the result is camelCased like every other path.
    """
    field = renames.get(error.field or "", error.field)
    return ERROR_TYPES[error.code](message=error.message, field=api_field(field))
