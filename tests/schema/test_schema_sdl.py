"""The SDL is committed and guarded: an API change must regenerate schema/schema.graphql."""

from __future__ import annotations

from pathlib import Path

from skuport.schema.schema import schema

COMMITTED = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def test_the_schema_matches_its_snapshot(snapshot):
    assert schema.as_str() == snapshot


def test_the_committed_sdl_is_up_to_date():
    """Run `make schema` after changing the API, and commit the result."""
    assert COMMITTED.read_text() == schema.as_str() + "\n"
