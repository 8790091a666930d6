"""No request may carry control characters or text-direction overrides in any text it sends.

Back-office fields refuse them with a typed error naming the field (`printable_text` in the
domain); this extension is the net under every other text input (search words, Amazon order
ids, codes, …): a request holding one, in a variable or written in the document, is refused
as a whole before anything runs, naming where it was found. Tabs and line breaks are left to
the fields themselves (some text may run over several lines).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError, StringValueNode, Visitor, visit
from strawberry.extensions import SchemaExtension

from skuport.domain.inventory.values import BIDI_CONTROLS

ALLOWED_CONTROLS = frozenset("\t\n\r")


def is_unprintable(char: str) -> bool:
    """A control character (other than tab and line breaks) or a bidi override."""
    code = ord(char)
    if char in ALLOWED_CONTROLS:
        return False
    return code < 0x20 or 0x7F <= code <= 0x9F or char in BIDI_CONTROLS


def _bad_char(text: str) -> str | None:
    return next((c for c in text if is_unprintable(c)), None)


def find_in_values(value: Any, path: str) -> tuple[str, str] | None:
    """The path and character of the first unprintable text in a variable's value."""
    if isinstance(value, str):
        char = _bad_char(value)
        return (path, char) if char else None
    if isinstance(value, dict):
        items: Iterator[tuple[str, Any]] = ((f"{path}.{k}", v) for k, v in value.items())
    elif isinstance(value, list):
        items = ((f"{path}[{i}]", v) for i, v in enumerate(value))
    else:
        return None
    for sub_path, item in items:
        found = find_in_values(item, sub_path)
        if found:
            return found
    return None


class _LiteralFinder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: str | None = None

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> Any:
        char = _bad_char(node.value)
        if char and self.found is None:
            self.found = char
            return self.BREAK
        return None


class RefuseUnprintableText(SchemaExtension):
    """Refuse a request whose text holds control characters or bidi overrides."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        found = find_in_values(context.variables or {}, "$")
        where = None
        if found:
            where, char = found
            where = where.replace("$.", "$", 1)
        elif context.graphql_document is not None:
            finder = _LiteralFinder()
            visit(context.graphql_document, finder)
            char = finder.found or ""
            where = "a text in the query" if finder.found else None
        if where is not None:
            error = GraphQLError(
                f"{where} must not contain control characters or text-direction overrides "
                f"(found U+{ord(char):04X})",
                extensions={"code": "BAD_USER_INPUT", "field": where},
            )
            context.result = ExecutionResult(data=None, errors=[error])
        yield
