"""API tokens and roles."""

from skuport.domain.auth.models import ApiToken, Role
from skuport.domain.auth.service import (
    NewToken,
    Principal,
    TokenRevoked,
    authenticate,
    create_token,
    revoke_token,
    token_is_active,
)

__all__ = [
    "ApiToken",
    "NewToken",
    "Principal",
    "Role",
    "TokenRevoked",
    "authenticate",
    "create_token",
    "revoke_token",
    "token_is_active",
]
