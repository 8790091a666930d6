"""The form of one back-office record: its inputs, what changed, and refusals next to the field.

Pure widget plumbing for the Back office tabs (widgets/back_office.py): no server calls here, the
choices of reference fields (a customer's price tier, a product's tax rule) are handed in.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import ipywidgets as w

from skuport.widgets.back_office_kinds import Field, Kind
from skuport.widgets.store_references import Options, Reference, ReferenceField

STYLE = {"description_width": "150px"}
LAYOUT = {"width": "420px"}
ChoicesOf = Callable[[Reference], Options | None]


def error_html(message: str) -> str:
    """A refusal in red, marked ⚠, escaped."""
    return f"<b style='color:#b00020'>⚠ {html.escape(message)}</b>" if message else ""


def notice_html(message: str) -> str:
    """A confirmation in green, marked ✓, escaped."""
    return f"<b style='color:#1b7f3b'>✓ {html.escape(message)}</b>" if message else ""


def make_input(spec: Field, choices: ChoicesOf) -> Any:
    """The input widget of one field, labelled in the seller's words."""
    if spec.widget == "flag":
        return w.Checkbox(description=spec.label, indent=False, value=bool(spec.default))
    if spec.widget == "choice":
        return w.Dropdown(
            description=spec.label, options=list(spec.choices), value=spec.default, style=STYLE
        )
    if spec.widget == "reference" and spec.reference is not None:
        return ReferenceField(spec.label, choices(spec.reference), "none", style=STYLE)
    placeholder = "required" if spec.required else ""
    return w.Text(description=spec.label, placeholder=placeholder, style=STYLE, layout=LAYOUT)


def _decimal(text: Any) -> Decimal | None:
    try:
        return Decimal(str(text).strip())
    except InvalidOperation:
        return None


def same(spec: Field, old: Any, new: Any) -> bool:
    """Whether a form value equals the record's (decimals by value, blanks as none)."""
    if spec.widget == "decimal":
        if old in (None, "") or new in (None, ""):
            return old in (None, "") and new in (None, "")
        return _decimal(old) == _decimal(new)
    if spec.widget == "flag":
        return bool(old) == bool(new)
    return (old or None) == (new or None)


class RecordForm(w.VBox):
    """The inputs of one kind of record, each with a label beside it for its refusal."""

    def __init__(self, kind: Kind, choices: ChoicesOf) -> None:
        self.kind = kind
        self.inputs: dict[str, Any] = {f.name: make_input(f, choices) for f in kind.fields}
        self.labels: dict[str, w.HTML] = {f.name: w.HTML() for f in kind.fields}
        super().__init__([w.HBox([self.inputs[name], self.labels[name]]) for name in self.inputs])

    def offer(self, choices: ChoicesOf) -> None:
        """Offer the reference fields' records afresh (ones added since included)."""
        for spec in self.kind.fields:
            field = self.inputs[spec.name]
            options = choices(spec.reference) if spec.reference else None
            if isinstance(field, ReferenceField) and isinstance(field.input, w.Dropdown):
                if options is not None:
                    kept = field.value
                    field.input.options = [(field.none_label, None), *options]
                    field.value = kept

    def values(self) -> dict[str, Any]:
        """Every field as the server takes it: text stripped, decimals as text, ids or None."""
        values = {}
        for spec in self.kind.fields:
            value = self.inputs[spec.name].value
            if isinstance(value, str):
                value = value.strip()
            if spec.widget == "decimal" and value == "":
                value = None
            values[spec.name] = value
        return values

    def fill(self, record: dict[str, Any]) -> None:
        """Show a record's values (blank inputs for a new one)."""
        self.clear_errors()
        for spec in self.kind.fields:
            value = record.get(spec.name, spec.default)
            widget = self.inputs[spec.name]
            if spec.widget == "flag":
                widget.value = bool(value)
            elif spec.widget == "choice":
                widget.value = value if value is not None else spec.default
            elif spec.widget == "reference":
                widget.value = None if value is None else str(value)
            else:
                widget.value = "" if value is None else str(value)

    def changes(self, record: dict[str, Any]) -> dict[str, Any]:
        """The fields whose input differs from the record."""
        values = self.values()
        return {
            spec.name: values[spec.name]
            for spec in self.kind.fields
            if not same(spec, record.get(spec.name), values[spec.name])
        }

    def problems(self, values: dict[str, Any]) -> dict[str, str]:
        """What is wrong before anything is sent, by field: missing, not a number, not an id."""
        found = {}
        for spec in self.kind.fields:
            value = values.get(spec.name)
            if spec.name not in values:
                continue
            if spec.required and value in (None, ""):
                found[spec.name] = f"{spec.label.split(' (')[0]} is required"
            elif spec.widget == "decimal" and value not in (None, "") and _decimal(value) is None:
                found[spec.name] = f"{value!r} is not a number"
            elif isinstance(self.inputs[spec.name], ReferenceField):
                if self.inputs[spec.name].problem:
                    found[spec.name] = self.inputs[spec.name].problem
        return found

    def show_error(self, field: str | None, message: str) -> str | None:
        """Show `message` next to the input the server named; the name shown, or None."""
        name = (field or "").split(".")[-1]
        if name in self.labels:
            self.labels[name].value = error_html(message)
            return name
        return None

    def clear_errors(self) -> None:
        for label in self.labels.values():
            label.value = ""
