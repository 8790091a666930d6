"""The GraphQL endpoint: bearer-token authentication for HTTP and WebSocket subscriptions."""

from __future__ import annotations

import html
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from skuport.domain.auth import Principal, authenticate
from skuport.schema.context import Context, Services


def bearer_token(value: str | None) -> str | None:
    """The token in an `Authorization: Bearer <token>` value."""
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def principal_for(services: Services, token: str | None) -> Principal | None:
    if not token:
        return None
    async with services.sessions() as session:
        return await authenticate(session, token)


OFFLINE_NOTICE = """<div style="font-family: sans-serif; max-width: 46em; margin: 3em auto">
  <h2>Loading GraphiQL…</h2>
  <p>GraphiQL, the in-browser query editor, loads its scripts from unpkg.com. If this page
  stays like this, this machine cannot reach the internet (or unpkg.com is blocked), and
  GraphiQL cannot start. The API itself works without it:</p>
  <ul>
    <li>the JupyterLab runbooks use it for you;</li>
    <li>from a terminal, with your API token:
    <pre>curl -s {url} -H "Authorization: Bearer $SKUPORT_TOKEN" \\
  -H "Content-Type: application/json" -d '{{"query": "{{ stores {{ id name }} }}"}}'</pre></li>
    <li>the schema is in <code>schema/schema.graphql</code>, or from
    <code>skuport schema export</code>.</li>
  </ul>
</div>"""


class SkuportGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with our context: services plus the caller's principal."""

    def __init__(self, schema: Any, *, graphiql: bool = True) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
            # Spreadsheet imports upload files: GraphQL multipart requests (the `Upload` scalar).
            # Only bearer-token requests reach a mutation, so a browser form cannot forge one.
            multipart_uploads_enabled=True,
        )

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """GraphiQL; until its scripts (from a CDN) have loaded, or when they cannot, the page
        says why and how to query the API without it, instead of staying blank."""
        notice = OFFLINE_NOTICE.format(url=html.escape(str(request.url.replace(query=""))))
        page = self.graphql_ide_html.replace(
            '<div id="graphiql" class="graphiql-container">Loading...</div>',
            f'<div id="graphiql" class="graphiql-container">{notice}</div>',
        )
        return HTMLResponse(page)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        services: Services = request.app.state.services
        # Browsers cannot set headers on a WebSocket: those send the token in connection_init.
        principal = await principal_for(
            services, bearer_token(request.headers.get("authorization"))
        )
        return Context(services=services, principal=principal, request=request, response=response)

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:  # type: ignore[override]
        """Authenticate a subscription from its connection_init payload."""
        if context.principal is not None:
            return None
        params = context.connection_params or {}
        raw = params.get("Authorization") or params.get("authorization")
        token = bearer_token(str(raw)) if raw else params.get("token")
        principal = await principal_for(context.services, str(token) if token else None)
        if principal is None:
            raise ConnectionRejectionError(
                {"code": "UNAUTHENTICATED", "message": "no valid API token"}
            )
        context.principal = principal
        return None
