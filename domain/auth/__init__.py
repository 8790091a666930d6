"""API tokens and roles."""

from skuport.domain.auth.models import ApiToken, Role
from skuport.domain.auth.service import (
    NewToken,
    Principal,
    authenticate,
    create_token,
    revoke_token,
)

__all__ = [
    "ApiToken",
    "NewToken",
    "Principal",
    "Role",
    "authenticate",
    "create_token",
    "revoke_token",
]
