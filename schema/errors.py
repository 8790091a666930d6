"""Typed errors returned inside mutation result unions (never as stack traces)."""

from __future__ import annotations

import strawberry


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


_BY_CODE: dict[str, type[UserError]] = {
    "NOT_FOUND": NotFound,
    "INVALID_VALUE": InvalidInput,
    "INVALID_STATE": InvalidState,
    "DUPLICATE_NAME": DuplicateName,
    "DUPLICATE_SKU": DuplicateSku,
    "CONNECTION_FAILED": ConnectionFailed,
    "PRICE_TIER_CONFLICT": PriceTierConflict,
    "INSUFFICIENT_STOCK": InsufficientStock,
}


def user_error(exc: Exception) -> UserError:
    """The typed GraphQL error for a domain refusal (which carries `code`, `field`, `message`)."""
    error_type = _BY_CODE.get(getattr(exc, "code", ""), InvalidInput)
    return error_type(message=getattr(exc, "message", str(exc)), field=getattr(exc, "field", None))
