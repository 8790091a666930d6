"""Issue 15, API abuse: what an anonymous or careless client meets at the HTTP edge.

Every route refuses oversized bodies before reading them (413); every answer carries the
security headers and names no server software; nothing but /healthz (and GraphiQL's page,
when enabled) answers without a token, introspection and `__typename` included; anonymous
refusals are logged as one line each.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest

from skuport.server.app import create_app

INTROSPECTION = "{ __schema { types { name } } }"


@pytest.fixture
async def small_limit_http(settings, sessions):  # type: ignore[no-untyped-def]
    """The app with a 20 kB body limit."""
    application = create_app(replace(settings, max_body_bytes=20_000))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://skuport.test") as c:
            yield c


async def test_a_body_declared_larger_than_the_limit_is_refused_with_413(small_limit_http):
    """Issue 15.1: refused before reading, for any route, without a token."""
    for path in ("/graphql", "/healthz", "/no-such-route"):
        response = await small_limit_http.post(path, content=b"x" * 30_000)
        assert response.status_code == 413, path
        assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        assert "too large" in response.json()["errors"][0]["message"]


async def test_a_chunked_body_is_refused_once_it_passes_the_limit(small_limit_http, tokens):
    """Issue 15.1: a body without Content-Length is counted as it streams in (anonymous
    ones are refused before their body is read at all)."""
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(1000):  # 10 MB if it were all read
            sent += 1
            yield b"y" * 10_000

    response = await small_limit_http.post(
        "/graphql",
        content=chunks(),
        headers={"Authorization": f"Bearer {tokens['admin']}", "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert sent < 1000


async def test_a_body_within_the_limit_is_served(small_limit_http, tokens):
    response = await small_limit_http.post(
        "/graphql",
        json={"query": "{ me { role } }", "variables": {"pad": "z" * 5000}},
        headers={"Authorization": f"Bearer {tokens['readonly']}"},
    )
    assert response.status_code == 200
    assert response.json()["data"]["me"]["role"] == "READONLY"


async def test_every_answer_carries_the_security_headers(http, tokens):
    """Issue 15.6: nosniff, no referrer, no framing; no server software named."""
    answers = [
        await http.get("/healthz"),
        await http.post("/graphql", json={"query": "{ me { role } }"}),
        await http.post(
            "/graphql",
            json={"query": "{ me { role } }"},
            headers={"Authorization": f"Bearer {tokens['admin']}"},
        ),
    ]
    for response in answers:
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "server" not in response.headers


def test_the_running_server_does_not_say_it_is_uvicorn(live_server):
    """Issue 15.6: the real server (uvicorn) sends no `server` header."""
    response = httpx.get(f"{live_server.url}/healthz")
    assert response.status_code == 200
    assert "server" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "query",
    [INTROSPECTION, "{ __typename }", '{ __type(name: "Query") { name } }', "{ productz { id } }"],
)
async def test_an_anonymous_request_learns_nothing_of_the_schema(http, sessions, query):
    """Issue 15.3: introspection, `__typename` and field suggestions need a token."""
    response = await http.post("/graphql", json={"query": query})
    assert response.status_code == 401
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Did you mean" not in response.text
    assert "__schema" not in response.text and "Query" not in response.text


async def test_introspection_over_get_needs_a_token_too(http, tokens):
    """Issue 15.3: the GET form of a query is no way around the token."""
    anonymous = await http.get("/graphql", params={"query": INTROSPECTION})
    assert anonymous.status_code == 401
    bad_token = await http.get(
        "/graphql",
        params={"query": INTROSPECTION},
        headers={"Authorization": "Bearer skp_guessed"},
    )
    assert bad_token.status_code == 401
    allowed = await http.get(
        "/graphql",
        params={"query": "{ __typename }"},
        headers={"Authorization": f"Bearer {tokens['readonly']}"},
    )
    assert allowed.json() == {"data": {"__typename": "Query"}}


async def test_healthz_answers_without_a_token(http):
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_graphiql_is_not_served_unless_enabled(http, tokens):
    """Issue 15.3: GraphiQL is off by default (the demo turns it on)."""
    page = await http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 401
    assert "graphiql" not in page.text.lower()
    with_token = await http.get(
        "/graphql",
        headers={"Accept": "text/html", "Authorization": f"Bearer {tokens['admin']}"},
    )
    assert with_token.status_code == 404


async def test_graphiql_when_enabled_may_not_be_framed(settings, sessions):
    application = create_app(replace(settings, graphiql=True))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://skuport.test") as c:
            page = await c.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


async def test_an_anonymous_refusal_is_logged_as_one_line(http, sessions, caplog):
    """Issue 15.6: a flood of anonymous queries cannot flood the log with tracebacks."""
    caplog.set_level(logging.INFO)
    for _ in range(3):
        await http.post("/graphql", json={"query": "{ me { name } }"})
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 3
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in refusals)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
