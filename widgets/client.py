"""A small typed facade over `gql` for the runbooks: one call, clear errors, no tracebacks.

Widgets talk to the Skuport server over HTTP only. Queries use the sync HTTPX transport because
ipykernel already runs an event loop in the notebook; subscriptions (live run progress) use
gql's websockets transport on an event loop of their own, in a worker thread (widgets/live.py).
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from gql import Client, FileVar, GraphQLRequest
from gql.transport.exceptions import (
    TransportConnectionFailed,
    TransportQueryError,
    TransportServerError,
)
from gql.transport.httpx import HTTPXTransport
from gql.transport.websockets import WebsocketsTransport
from graphql import GraphQLError

SDL_PATH = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"
DEMO_CONNECTION_FILE = Path("var") / "demo-connection.json"


class SkuportError(Exception):
    """Something the analyst should read: the message says what went wrong and what to do."""


class ServerUnreachable(SkuportError):
    pass


class NotAuthenticated(SkuportError):
    pass


class Forbidden(SkuportError):
    pass


class InvalidQuery(SkuportError):
    """The query does not fit the server's schema (a bug in the widget, not the user's fault)."""


class ServerError(SkuportError):
    pass


@dataclass(frozen=True)
class Connection:
    """Where the server is and which token to use."""

    url: str
    token: str


def find_connection(start: Path | None = None) -> Connection:
    """SKUPORT_URL/SKUPORT_TOKEN, else the demo's connection file in var/ here or above."""
    url, token = os.environ.get("SKUPORT_URL"), os.environ.get("SKUPORT_TOKEN")
    if url and token:
        return Connection(url=url, token=token)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / DEMO_CONNECTION_FILE
        if candidate.exists():
            data = json.loads(candidate.read_text())
            return Connection(url=url or data["url"], token=token or data["token"])
    raise SkuportError(
        "no Skuport server configured: set SKUPORT_URL and SKUPORT_TOKEN, or start `make demo`"
    )


def _committed_schema() -> str | None:
    return SDL_PATH.read_text() if SDL_PATH.exists() else None


class SkuportClient:
    """Runs GraphQL documents against the server and returns plain data."""

    def __init__(
        self, url: str, token: str, *, timeout: float = 30.0, ws_url: str | None = None
    ) -> None:
        self.url = url
        self.token = token
        # Subscriptions: the same endpoint over WebSocket (graphql-transport-ws).
        self.ws_url = ws_url or websocket_url(url)
        self._transport = HTTPXTransport(
            url=url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout
        )
        # Validating against the committed SDL catches a widget's broken query before sending.
        self._client = Client(transport=self._transport, schema=_committed_schema())

    @classmethod
    def connect(cls) -> SkuportClient:
        """A client for the configured server (environment, or the demo's connection file)."""
        connection = find_connection()
        return cls(connection.url, connection.token)

    def execute(self, query: str, **variables: Any) -> dict[str, Any]:
        """Run `query` with `variables`; raises a SkuportError subclass on any failure."""
        return self._run(GraphQLRequest(query, variable_values=variables or None))

    def execute_with_file(
        self,
        query: str,
        variables: dict[str, Any] | None,
        file_variable: str,
        file_name: str,
        content: bytes,
    ) -> dict[str, Any]:
        """Run `query` with `content` uploaded as the variable `file_variable` (an `Upload`),
        as a GraphQL multipart request; raises a SkuportError subclass on any failure."""
        values = dict(variables or {})
        values[file_variable] = FileVar(
            io.BytesIO(content), filename=file_name, content_type=_content_type(file_name)
        )
        return self._run(GraphQLRequest(query, variable_values=values), upload_files=True)

    def _run(self, request: GraphQLRequest, *, upload_files: bool = False) -> dict[str, Any]:
        try:
            return self._client.execute(request, upload_files=upload_files)
        except TransportQueryError as exc:
            raise _query_error(exc.errors or [{"message": str(exc)}]) from None
        except (TransportConnectionFailed, httpx.TransportError, ConnectionError) as exc:
            raise ServerUnreachable(
                f"cannot reach the Skuport server at {self.url}: is it running? ({exc})"
            ) from None
        except TransportServerError as exc:
            raise ServerError(f"the server answered with HTTP {exc.code}: {exc}") from None
        except GraphQLError as exc:
            raise InvalidQuery(f"the query does not match the server's schema: {exc}") from None

    async def subscribe(self, query: str, **variables: Any) -> AsyncIterator[dict[str, Any]]:
        """Each result of the subscription `query`; raises a SkuportError when refused.

        Runs on the caller's event loop (a worker thread's, see widgets/live.py): ipykernel's
        own loop is busy running the cell.
        """
        transport = WebsocketsTransport(
            url=self.ws_url,
            init_payload={"Authorization": f"Bearer {self.token}"},
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
            connect_timeout=5,
            ack_timeout=5,
        )
        request = GraphQLRequest(query, variable_values=variables or None)
        try:
            async with Client(transport=transport, schema=_committed_schema()) as session:
                async for result in session.subscribe(request):
                    yield result
        except TransportQueryError as exc:
            raise _query_error(exc.errors or [{"message": str(exc)}]) from None
        except GraphQLError as exc:
            raise InvalidQuery(f"the query does not match the server's schema: {exc}") from None
        except (OSError, TransportConnectionFailed, TransportServerError) as exc:
            raise ServerUnreachable(f"live updates unavailable at {self.ws_url}: {exc}") from None


def _content_type(file_name: str) -> str:
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if file_name.lower().endswith(".csv"):
        return "text/csv"
    return "application/octet-stream"


def websocket_url(url: str) -> str:
    """The WebSocket address of an HTTP GraphQL endpoint (http→ws, https→wss)."""
    scheme, sep, rest = url.partition("://")
    return f"{ {'https': 'wss', 'http': 'ws'}.get(scheme, scheme) }{sep}{rest}"


def _query_error(errors: list[dict[str, Any]]) -> SkuportError:
    first = errors[0]
    code = (first.get("extensions") or {}).get("code")
    message = first.get("message", "unknown error")
    if code == "UNAUTHENTICATED":
        return NotAuthenticated(f"the server did not accept the token: {message}")
    if code == "FORBIDDEN":
        return Forbidden(message)
    return ServerError(message)
