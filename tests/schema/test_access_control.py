"""Access control: bearer tokens with roles; clear errors, never a stack trace."""

from __future__ import annotations

from dataclasses import replace

import httpx

from skuport.schema.permissions import RolePermission
from skuport.schema.schema import schema
from skuport.server.app import create_app

ME = "query { me { name role } }"
TRIGGER = 'mutation { triggerJob(name: "housekeeping") { __typename } }'


async def test_a_request_without_token_is_unauthenticated(gql):
    # when
    result = await gql(ME, role=None)
    # then
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Bearer" in result["errors"][0]["message"]


async def test_an_unknown_token_is_unauthenticated(http):
    response = await http.post(
        "/graphql", json={"query": ME}, headers={"Authorization": "Bearer skp_not-a-token"}
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_token_says_who_is_calling(gql):
    result = await gql(ME, role="finance")
    assert result["data"]["me"] == {"name": "finance user", "role": "FINANCE"}


async def test_readonly_may_read_but_not_run_jobs(gql):
    assert "errors" not in await gql("query { jobs { name } }", role="readonly")
    result = await gql(TRIGGER, role="readonly")
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "readonly" in result["errors"][0]["message"]


async def test_finance_may_not_run_operations_jobs_but_operations_may(gql):
    forbidden = await gql(TRIGGER, role="finance")
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    allowed = await gql(TRIGGER, role="operations")
    assert allowed["data"]["triggerJob"]["__typename"] == "JobStarted"


async def test_only_admin_creates_tokens(gql):
    mutation = 'mutation { createApiToken(name: "bot", role: READONLY) { __typename } }'
    assert (await gql(mutation, role="operations"))["errors"][0]["extensions"][
        "code"
    ] == "FORBIDDEN"
    created = await gql(
        'mutation { createApiToken(name: "bot", role: READONLY) '
        "{ ... on ApiTokenCreated { token role } } }"
    )
    assert created["data"]["createApiToken"]["role"] == "READONLY"
    assert created["data"]["createApiToken"]["token"].startswith("skp_")


async def test_a_revoked_token_no_longer_works(gql, http):
    created = await gql(
        'mutation { createApiToken(name: "temp", role: READONLY) '
        "{ ... on ApiTokenCreated { id token } } }"
    )
    token = created["data"]["createApiToken"]
    revoked = await gql(f'mutation {{ revokeApiToken(id: "{token["id"]}") {{ __typename }} }}')
    assert revoked["data"]["revokeApiToken"]["__typename"] == "ApiTokenRevoked"
    response = await http.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token['token']}"}
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_blank_token_name_is_a_typed_error_naming_the_field(gql):
    result = await gql(
        'mutation { createApiToken(name: "  ", role: READONLY) '
        "{ __typename ... on UserError { message field } } }"
    )
    assert result["data"]["createApiToken"]["__typename"] == "InvalidInput"
    assert result["data"]["createApiToken"]["field"] == "name"


def test_every_root_field_declares_who_may_use_it():
    """Every query, mutation and subscription names its roles (issue 2, access control)."""
    undeclared = []
    for root in (schema.query, schema.mutation, schema.subscription):
        definition = root.__strawberry_definition__
        for field in definition.fields:
            if not any(issubclass(p, RolePermission) for p in field.permission_classes):
                undeclared.append(f"{definition.name}.{field.name}")
    assert undeclared == []


async def test_a_too_deep_query_is_refused_with_a_clear_error(settings, sessions, tokens):
    # given a server whose depth limit is 3
    app = create_app(replace(settings, max_query_depth=3))
    deep = "query { runs { edges { node { errors { reason } } } } }"
    # when
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.post(
                "/graphql",
                json={"query": deep},
                headers={"Authorization": f"Bearer {tokens['admin']}"},
            )
    # then
    assert "exceeds maximum operation depth" in response.json()["errors"][0]["message"]


async def test_a_query_with_too_many_tokens_is_refused(gql):
    huge = "query { " + " ".join("me { name }" for _ in range(2000)) + " }"
    result = await gql(huge)
    assert "token" in result["errors"][0]["message"].lower()
