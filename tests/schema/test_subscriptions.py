"""Live run progress over graphql-transport-ws on /graphql (BX-4)."""

from __future__ import annotations

from starlette.testclient import TestClient

from skuport.server.app import create_app

PROTOCOL = "graphql-transport-ws"
UPDATES = "subscription { runUpdates { operation status } }"
TRIGGER = 'mutation { triggerJob(name: "housekeeping") { __typename } }'


async def test_a_subscriber_sees_a_run_start_and_finish(settings, tokens):
    token = tokens["readonly"]
    with TestClient(create_app(settings)) as client:
        with client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
            ws.send_json(
                {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
            )
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": UPDATES}})
            # when an operator runs a job
            response = client.post(
                "/graphql",
                json={"query": TRIGGER},
                headers={"Authorization": f"Bearer {tokens['operations']}"},
            )
            assert response.json()["data"]["triggerJob"]["__typename"] == "JobStarted"
            # then the subscriber is told it started and finished
            statuses = []
            while "SUCCEEDED" not in statuses:
                message = ws.receive_json()
                assert message["type"] == "next", message
                update = message["payload"]["data"]["runUpdates"]
                assert update["operation"] == "housekeeping"
                statuses.append(update["status"])
            assert statuses[0] == "RUNNING"


async def test_a_subscription_without_a_token_is_rejected(settings, sessions):
    with TestClient(create_app(settings)) as client:
        with client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
            ws.send_json({"type": "connection_init", "payload": {}})
            message = ws.receive()
            assert message["type"] == "websocket.close"
            assert message["code"] == 4403


async def test_following_one_run_starts_from_its_saved_state_and_ends_with_it(settings, tokens):
    """BX-4: a client that subscribes after the run has finished still sees how it ended."""
    headers = {"Authorization": f"Bearer {tokens['operations']}"}
    with TestClient(create_app(settings)) as client:
        started = client.post(
            "/graphql",
            json={
                "query": 'mutation { triggerJob(name: "housekeeping") '
                "{ ... on JobStarted { run { id } } } }"
            },
            headers=headers,
        ).json()["data"]["triggerJob"]["run"]["id"]
        finished = False
        while not finished:  # the run is read until it has ended, as a polling client would
            run = client.post(
                "/graphql",
                json={
                    "query": f'{{ run(id: "{started}") {{ ... on OperationRun {{ status }} }} }}'
                },
                headers=headers,
            ).json()["data"]["run"]
            finished = run["status"] != "RUNNING"
        with client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
            ws.send_json(
                {"type": "connection_init", "payload": {"Authorization": headers["Authorization"]}}
            )
            assert ws.receive_json()["type"] == "connection_ack"
            query = f'subscription {{ runUpdates(runId: "{started}") {{ runId status }} }}'
            ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": query}})
            first = ws.receive_json()
            assert first["payload"]["data"]["runUpdates"] == {
                "runId": started,
                "status": "SUCCEEDED",
            }
            assert ws.receive_json()["type"] == "complete"
