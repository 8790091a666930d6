"""The one error contract: every domain refusal code answers with one typed GraphQL error, and
field paths are snake_case in the domain and camelCase in the API (IN-1, ST-5)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from skuport.domain import errors as domain_errors
from skuport.domain.errors import DomainError, ErrorCode, InvalidValue, NotFound
from skuport.schema.errors import ERROR_TYPES, UserError, api_field, refused
from skuport.schema.schema import schema

DOMAIN = Path(domain_errors.__file__).parent
REFUSALS = {
    name
    for name in domain_errors.__all__
    if isinstance(getattr(domain_errors, name), type)
    and issubclass(getattr(domain_errors, name), DomainError)
}
SNAKE_PATH = re.compile(r"[a-z0-9_.\[\]{}]*")


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_refusal_code_answers_with_its_own_typed_error(code: ErrorCode) -> None:
    """No fallback: a code added to ErrorCode without a GraphQL error type fails here."""
    assert code in ERROR_TYPES, f"{code} has no typed GraphQL error in schema.errors.ERROR_TYPES"
    error = refused(DomainError("name", "is wrong", code=code))
    assert type(error) is ERROR_TYPES[code]
    assert isinstance(error, UserError)
    assert (error.message, error.field) == ("is wrong", "name")


def test_no_two_codes_share_a_typed_error_and_each_is_in_the_schema() -> None:
    """A client tells refusals apart by __typename, so each code needs its own type."""
    types = list(ERROR_TYPES.values())
    assert len(set(types)) == len(types) == len(ErrorCode)
    sdl = schema.as_str()
    for error_type in types:
        assert f"type {error_type.__name__} implements UserError" in sdl


def test_a_nested_domain_path_is_camel_cased_for_the_api() -> None:
    """IN-1: a sale line's field names the line and the API's field, e.g. lines[2].taxRuleId."""
    assert api_field("lines[2].tax_rule_id") == "lines[2].taxRuleId"
    assert api_field("components[0].component_id") == "components[0].componentId"
    assert api_field("name") == "name"
    assert api_field(None) is None
    error = refused(InvalidValue("lines[2].tax_rule_id", "no tax rule with id 9"))
    assert (type(error).__name__, error.field) == ("InvalidInput", "lines[2].taxRuleId")


def test_a_resolver_renames_a_domain_field_to_its_argument_through_the_converter() -> None:
    """IN-1: updateProduct(id:) names `id` where the domain says product_id."""
    error = refused(NotFound("product_id", "no product with id 9"), product_id="id")
    assert error.field == "id"
    kept = refused(NotFound("default_tax_rule_id", "no tax rule"), product_id="id")
    assert kept.field == "defaultTaxRuleId"


def test_a_refusal_without_a_code_cannot_be_raised() -> None:
    with pytest.raises(TypeError):
        DomainError("name", "no code given")


def _refusal_fields(tree: ast.AST) -> list[tuple[int, str]]:
    """The constant text of the first argument of every refusal raised in a module."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", None))
        if name not in REFUSALS:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append((node.lineno, first.value))
        elif isinstance(first, ast.JoinedStr):
            text = "".join(
                part.value if isinstance(part, ast.Constant) else "{}" for part in first.values
            )
            found.append((node.lineno, text))
    return found


def test_no_domain_module_names_an_api_field() -> None:
    """ST-5: the domain names fields as snake_case paths; only the API camelCases them."""
    camel, checked = [], 0
    for path in sorted(DOMAIN.rglob("*.py")):
        for line, field in _refusal_fields(ast.parse(path.read_text(), str(path))):
            checked += 1
            if not SNAKE_PATH.fullmatch(field):
                camel.append(f"{path.relative_to(DOMAIN)}:{line}: {field!r}")
    assert checked > 50  # the scan sees the domain's refusals (stores, inventory, orders)
    assert camel == []


async def test_a_token_without_a_name_is_refused_as_invalid_input_naming_the_field(gql) -> None:
    """API tokens: the auth domain's refusal answers through the same contract."""
    answer = await gql(
        'mutation { createApiToken(name: "  ", role: READONLY) '
        "{ __typename ... on UserError { message field } } }"
    )
    assert answer["data"]["createApiToken"] == {
        "__typename": "InvalidInput",
        "message": "a token needs a name of 1 to 100 characters",
        "field": "name",
    }
