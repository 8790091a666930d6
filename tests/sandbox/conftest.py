"""Fixtures for sandbox contract tests: Amazon's models, a schema checker, an HTTP client."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from skuport.sandbox.app import create_sandbox_app
from skuport.sandbox.clock import SandboxClock
from skuport.sandbox.http import Sandbox

MODELS = Path(__file__).resolve().parents[1] / "data" / "spapi"
# Newer models list enum values in prose: "**Possible values**: `A`, `B`."
POSSIBLE_VALUES = re.compile(r"\*\*Possible values\*\*:?\s*((?:`[^`]+`[,.]?\s*(?:and\s+|or\s+)?)+)")
TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
}


@cache
def load_model(name: str) -> dict[str, Any]:
    """One of Amazon's models copied under tests/data/spapi."""
    return json.loads((MODELS / name).read_text())


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def check(
    instance: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$"
) -> list[str]:
    """Problems of `instance` against a Swagger 2.0 / JSON Schema subset (empty = valid)."""
    if isinstance(schema, bool):
        return [] if schema else [f"{path}: not allowed"]
    if "$ref" in schema:
        return check(instance, _resolve(root, schema["$ref"]), root, path)
    problems: list[str] = []
    for part in schema.get("allOf", []):
        problems += check(instance, part, root, path)
    if "oneOf" in schema and not any(not check(instance, s, root, path) for s in schema["oneOf"]):
        problems.append(f"{path}: matches none of oneOf")
    kind = schema.get("type")
    if kind:
        expected = TYPES[kind]
        if not isinstance(instance, expected) or (
            kind in ("integer", "number") and isinstance(instance, bool)
        ):
            return [*problems, f"{path}: expected {kind}, got {type(instance).__name__}"]
    if "const" in schema and instance != schema["const"]:
        problems.append(f"{path}: {instance!r} is not {schema['const']!r}")
    if "enum" in schema and instance not in schema["enum"]:
        problems.append(f"{path}: {instance!r} not in enum")
    documented = POSSIBLE_VALUES.search(schema.get("description", ""))
    if isinstance(instance, str) and "enum" not in schema and documented:
        allowed = re.findall(r"`([^`]+)`", documented.group(1))
        if allowed and instance not in allowed:
            problems.append(f"{path}: {instance!r} not among documented values {allowed}")
    if isinstance(instance, str):
        if "minLength" in schema and len(instance) < schema["minLength"]:
            problems.append(f"{path}: shorter than minLength")
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            problems.append(f"{path}: does not match pattern")
    if isinstance(instance, (int, float)) and not isinstance(instance, bool):
        if "minimum" in schema and instance < schema["minimum"]:
            problems.append(f"{path}: below minimum")
        if "maximum" in schema and instance > schema["maximum"]:
            problems.append(f"{path}: above maximum")
    if isinstance(instance, dict):
        for key in schema.get("required", []):
            if key not in instance:
                problems.append(f"{path}: missing required {key!r}")
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, value in instance.items():
            if key in properties:
                problems += check(value, properties[key], root, f"{path}.{key}")
            elif extra is False:
                problems.append(f"{path}: unexpected property {key!r}")
            elif isinstance(extra, dict):
                problems += check(value, extra, root, f"{path}.{key}")
    if isinstance(instance, list):
        if "minItems" in schema and len(instance) < schema["minItems"]:
            problems.append(f"{path}: fewer than minItems")
        if "maxItems" in schema and len(instance) > schema["maxItems"]:
            problems.append(f"{path}: more than maxItems")
        if "items" in schema:
            for index, value in enumerate(instance):
                problems += check(value, schema["items"], root, f"{path}[{index}]")
    return problems


def response_schema(
    model: str, operation_id: str, status: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The schema Amazon's model gives for an operation's response with `status`."""
    root = load_model(model)
    for operations in root["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return operation["responses"][str(status)]["schema"], root
    raise KeyError(operation_id)


Validate = Callable[[httpx.Response, str, str], Any]


@pytest.fixture
def validate() -> Validate:
    """Assert a sandbox response matches Amazon's model for the operation; return its JSON."""

    def run(response: httpx.Response, model: str, operation_id: str) -> Any:
        schema, root = response_schema(model, operation_id, response.status_code)
        body = response.json()
        problems = check(body, schema, root)
        assert not problems, f"{operation_id} {response.status_code}: {problems[:5]}"
        assert response.headers.get("x-amzn-RequestId")
        return body

    return run


@pytest.fixture
def sandbox_app() -> Starlette:
    """A seeded sandbox on a still virtual clock."""
    return create_sandbox_app(seed=3, size="tiny", clock=SandboxClock())


@pytest.fixture
def sandbox(sandbox_app: Starlette) -> Sandbox:
    """The sandbox's state, limits and faults."""
    return sandbox_app.state.sandbox


@pytest.fixture
async def http(sandbox_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """Raw HTTP to the sandbox (no SP-API client in between)."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox_app), base_url="http://sandbox.test"
    ) as client:
        yield client


@pytest.fixture
async def na_token(http: httpx.AsyncClient, sandbox: Sandbox) -> dict[str, str]:
    """Headers carrying an access token of the NA seller."""
    seller = next(s for s in sandbox.state.sellers.values() if s.region == "NA")
    response = await http.post(
        "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": seller.refresh_token,
            "client_id": seller.client_id,
            "client_secret": seller.client_secret,
        },
    )
    return {"x-amz-access-token": response.json()["access_token"]}


@pytest.fixture
def schema_problems() -> Callable[[Any, str], list[str]]:
    """Problems of a document against one of Amazon's JSON Schemas (e.g. the feed report)."""

    def run(instance: Any, model: str) -> list[str]:
        schema = load_model(model)
        return check(instance, schema, schema)

    return run


@pytest.fixture
def model_file() -> Callable[[str], Any]:
    """Load one of the JSON files copied under tests/data/spapi."""
    return load_model
