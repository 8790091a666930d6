"""What users read never carries our internal requirement ids (OR-3, ST-6, BX-4 …).

Sellers and analysts read the GraphQL descriptions, the jobs of the operation log (LG-4), the
runbooks' markdown and every message the code builds. The ids stay in docstrings, comments,
tests and docs, where the engineers who trace requirements read them. The widgets and the
skip reasons of a real run are checked in tests/widgets/test_widget_text.py and
tests/e2e/test_skip_text.py.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
)

from skuport.domain.jobs import JobRegistry
from skuport.domain.listings.scheduled import CATALOG_DOWNLOAD_WITH_OPENING_STOCK
from skuport.domain.orders.scheduled import ORDERS_PROCESS_NOW, load_job
from skuport.domain.stock_sync.scheduled import STOCK_PUSH_CHANGES
from skuport.schema.schema import schema
from skuport.server.jobs import register_jobs

REQUIREMENT_ID = re.compile(r"\b[A-Z]{2}-[0-9]+\b")
ROOT = Path(__file__).resolve().parents[1]
# The packages whose strings reach users; migrations and the fake Amazon do not.
PACKAGES = ("domain", "schema", "server", "widgets")


def ids_in(text: str | None) -> list[str]:
    return REQUIREMENT_ID.findall(text or "")


def test_ids_in_finds_the_ids_and_nothing_else():
    """The guard itself: ids are found, SKUs, dates and UTF-8 are not."""
    assert ids_in("Settings (ST-5), see OR-10 and SY-1 … SY-3") == ["ST-5", "OR-10", "SY-1", "SY-3"]
    assert ids_in("NA-SHIR-0001 on 2026-01-31 in UTF-8, ISO-8601, EU") == []


# --- GraphQL ---------------------------------------------------------------------------------


def schema_texts() -> Iterator[tuple[str, str | None]]:
    """Every description the schema shows (types, fields, arguments, inputs, enum values)."""
    graphql_schema = schema._schema
    for name, kind in graphql_schema.type_map.items():
        if name.startswith("__"):
            continue
        yield name, kind.description
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                yield f"{name}.{field_name}", field.description
                yield f"{name}.{field_name} (deprecation)", field.deprecation_reason
                for arg_name, arg in field.args.items():
                    yield f"{name}.{field_name}({arg_name})", arg.description
        elif isinstance(kind, GraphQLInputObjectType):
            for field_name, field in kind.fields.items():
                yield f"{name}.{field_name}", field.description
        elif isinstance(kind, GraphQLEnumType):
            for value_name, value in kind.values.items():
                yield f"{name}.{value_name}", value.description
    for directive in graphql_schema.directives:
        yield f"@{directive.name}", directive.description


def test_no_graphql_description_names_a_requirement_id():
    """Types, fields, arguments, input fields and enum values are described in our words."""
    texts = list(schema_texts())
    assert any(path == "Mutation.loadOrders" and text for path, text in texts)
    offenders = [(path, text) for path, text in texts if ids_in(text)]
    assert offenders == []


def test_the_committed_sdl_names_no_requirement_id():
    sdl = (ROOT / "schema" / "schema.graphql").read_text()
    assert ids_in(sdl) == []


# --- jobs (LG-4's operation log) -------------------------------------------------------------


def every_job_description() -> dict[str, str]:
    """The scheduled jobs and the ones users start (process now, load a range, …)."""
    jobs = {spec.name: spec.description for spec in register_jobs(JobRegistry())}
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for spec in (
        ORDERS_PROCESS_NOW,
        load_job(start=start, end=None, route=None),
        CATALOG_DOWNLOAD_WITH_OPENING_STOCK,
        STOCK_PUSH_CHANGES,
    ):
        jobs[f"{spec.name} ({spec.description[:20]}…)"] = spec.description
    return jobs


def test_lg4_job_descriptions_name_no_requirement_id():
    jobs = every_job_description()
    assert len(jobs) >= 10 and all(jobs.values())
    assert {name: text for name, text in jobs.items() if ids_in(text)} == {}


# --- runbooks --------------------------------------------------------------------------------


def test_the_runbooks_markdown_names_no_requirement_id():
    offenders = []
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "markdown" and ids_in(cell.source):
                offenders.append((path.name, index, ids_in(cell.source)))
    assert offenders == []


# --- every message the code builds -----------------------------------------------------------


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def literal_ids(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each string literal in `path` naming an id; docstrings are exempt."""
    tree = ast.parse(path.read_text())
    docstrings = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and ids_in(node.value)
    ]


def test_literal_ids_sees_strings_but_not_docstrings(tmp_path):
    source = tmp_path / "example.py"
    source.write_text(
        '"""Module (OR-1)."""\n'
        "def f():\n"
        '    """Docstring (OR-2)."""\n'
        '    return f"skipped (OR-7): {1}"  # OR-3\n'
    )
    assert [line for line, _text in literal_ids(source)] == [4]


def test_no_message_skip_reason_or_label_in_the_code_names_a_requirement_id():
    """Skip reasons (OR-8), notifications (BX-4), job descriptions, widget text, descriptions."""
    offenders = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            offenders += [(str(path.relative_to(ROOT)), *hit) for hit in literal_ids(path)]
    assert offenders == []
