"""Who may use a field: every root field declares its roles (`allow(...)`).

No token gives UNAUTHENTICATED, a token of the wrong role FORBIDDEN; admin may do everything.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from strawberry.permission import BasePermission

from skuport.domain.auth import Role

READERS = (Role.ADMIN, Role.OPERATIONS, Role.FINANCE, Role.READONLY)
OPERATORS = (Role.ADMIN, Role.OPERATIONS)
FINANCIERS = (Role.ADMIN, Role.FINANCE)
ADMINS = (Role.ADMIN,)


class Unauthenticated(GraphQLError):
    def __init__(self) -> None:
        super().__init__(
            "no valid API token: send 'Authorization: Bearer <token>' "
            "(create one with `skuport token create`)",
            extensions={"code": "UNAUTHENTICATED"},
        )


class Forbidden(GraphQLError):
    def __init__(self, role: Role, allowed: tuple[Role, ...]) -> None:
        names = ", ".join(r.value for r in allowed)
        super().__init__(
            f"a {role.value} token may not do this (allowed: {names})",
            extensions={"code": "FORBIDDEN"},
        )


class RolePermission(BasePermission):
    """Base of the generated per-role permissions; `roles` is set on each subclass."""

    roles: tuple[Role, ...] = ()

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        principal = info.context.principal
        if principal is None:
            raise Unauthenticated()
        if principal.role is Role.ADMIN or principal.role in self.roles:
            return True
        raise Forbidden(principal.role, self.roles)


_cache: dict[tuple[Role, ...], type[RolePermission]] = {}


def allow(*roles: Role) -> list[type[BasePermission]]:
    """Permission classes admitting `roles` (and admin), for `permission_classes=`."""
    key = tuple(sorted(set(roles)))
    if key not in _cache:
        name = "Allow" + "".join(r.value.title() for r in key)
        _cache[key] = type(name, (RolePermission,), {"roles": key})
    return [_cache[key]]
