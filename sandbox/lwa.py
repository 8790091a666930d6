"""Login with Amazon's token endpoint, refusing unknown credentials the way LWA does."""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from skuport.sandbox.http import state_of


def _lwa_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error_description": description, "error": error}, status_code=status)


async def token(request: Request) -> Response:
    """POST /auth/o2/token: an access token for a refresh token and app credentials."""
    state = state_of(request)
    # LWA takes application/x-www-form-urlencoded; parsed here without python-multipart.
    form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
    grant = form.get("grant_type")
    if grant != "refresh_token":
        return _lwa_error(
            400,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server",
        )
    client_id, secret = form.get("client_id"), form.get("client_secret")
    refresh = form.get("refresh_token")
    known = [s for s in state.sellers.values() if s.client_id == client_id]
    if not known or not any(s.client_secret == secret for s in known):
        return _lwa_error(401, "invalid_client", "Client authentication failed")
    seller = next((s for s in known if s.refresh_token == refresh), None)
    if seller is None:
        return _lwa_error(
            400, "invalid_grant", "The request has an invalid grant parameter : refresh_token"
        )
    access = "Atza|" + secrets.token_urlsafe(48)
    lifetime = state.settings.token_lifetime
    state.access_tokens[access] = (
        seller.seller_id,
        state.clock.now() + timedelta(seconds=lifetime),
    )
    return JSONResponse(
        {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "bearer",
            "expires_in": lifetime,
        }
    )


ROUTES = [Route("/auth/o2/token", token, methods=["POST"])]
