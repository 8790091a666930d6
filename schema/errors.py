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
