"""Issue 15.2: revoking a token ends its live subscriptions (BX-4 streams)."""

from __future__ import annotations

from starlette.testclient import TestClient

from skuport.domain.auth import Role, create_token, revoke_token
from skuport.server.app import create_app

PROTOCOL = "graphql-transport-ws"
TRIGGER = 'mutation { triggerJob(name: "housekeeping") { __typename } }'


def _subscribe(ws, token: str, query: str) -> None:  # type: ignore[no-untyped-def]
    ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    assert ws.receive_json()["type"] == "connection_ack"
    ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": query}})


async def _new_token(sessions, name: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        made = await create_token(session, name=name, role=Role.READONLY)
    return made.id, made.secret


async def test_revoking_a_token_closes_its_open_subscriptions(settings, sessions, tokens):
    token_id, secret = await _new_token(sessions, "dashboard")
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    with TestClient(create_app(settings)) as client:
        for query in (
            "subscription { runUpdates { status } }",
            "subscription { notificationsPosted { message } }",
        ):
            with client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
                _subscribe(ws, secret, query)
                # when an admin revokes the token
                revoked = client.post(
                    "/graphql",
                    json={
                        "query": f'mutation {{ revokeApiToken(id: "{token_id}") {{ __typename }} }}'
                    },
                    headers=admin,
                ).json()
                assert revoked["data"]["revokeApiToken"]["__typename"] == "ApiTokenRevoked"
                # then its socket is closed as refused, without waiting for an event
                message = ws.receive()
                assert message["type"] == "websocket.close", message
                assert message["code"] == 4403
            token_id, secret = await _new_token(sessions, f"dashboard {query[:20]}")


async def test_a_token_revoked_elsewhere_gets_no_further_events(settings, sessions, tokens):
    """Revoked by another process (no announcement here): the next event finds it revoked."""
    token_id, secret = await _new_token(sessions, "other process")
    with TestClient(create_app(settings)) as client:
        with client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
            _subscribe(ws, secret, "subscription { runUpdates { status } }")
            async with sessions() as session, session.begin():
                assert await revoke_token(session, token_id=token_id)
            started = client.post(
                "/graphql",
                json={"query": TRIGGER},
                headers={"Authorization": f"Bearer {tokens['operations']}"},
            ).json()
            assert started["data"]["triggerJob"]["__typename"] == "JobStarted"
            message = ws.receive()
            assert message["type"] == "websocket.close", message
            assert message["code"] == 4403


async def test_a_valid_token_keeps_its_subscription(settings, sessions, tokens):
    """The check costs nothing visible: a valid token still sees the run start."""
    _, secret = await _new_token(sessions, "still valid")
    with TestClient(create_app(settings)) as client:
        with client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
            _subscribe(ws, secret, "subscription { runUpdates { status } }")
            client.post(
                "/graphql",
                json={"query": TRIGGER},
                headers={"Authorization": f"Bearer {tokens['operations']}"},
            )
            message = ws.receive_json()
            assert message["type"] == "next"
            assert message["payload"]["data"]["runUpdates"]["status"] == "RUNNING"
