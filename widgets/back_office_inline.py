"""Creating a missing record from the store settings panel, without leaving runbook 01.

A "New…" button next to the tax rule, location and account pickers opens a small form (name,
and the rate or code as needed); Create adds the record through GraphQL and picks it. The
pickers of the same kind offer it too. Saving the settings is still the analyst's choice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as w
import traitlets

from skuport.widgets.back_office_forms import error_html, notice_html
from skuport.widgets.client import SkuportClient, SkuportError
from skuport.widgets.store_references import Reference, ReferenceField
from skuport.widgets.store_settings_form import REFERENCES

RESULT = "__typename ... on UserError { message field }"
CREATE_TAX_RULE = (
    "mutation NewTaxRule($name: String!, $rate: Decimal!, $inclusive: Boolean!, "
    "$taxFree: Boolean!) { result: createTaxRule(name: $name, rate: $rate, "
    f"inclusive: $inclusive, taxFree: $taxFree) {{ {RESULT} "
    "... on TaxRuleSaved { record: taxRule { id name } } } }"
)
CREATE_LOCATION = (
    "mutation NewLocation($name: String!) { result: createLocation(name: $name) "
    f"{{ {RESULT} ... on LocationSaved {{ record: location {{ id name }} }} }} }}"
)
CREATE_ACCOUNT = (
    "mutation NewAccount($code: String!, $name: String!, $kind: AccountKind!) { result: "
    f"createAccount(code: $code, name: $name, kind: $kind) {{ {RESULT} "
    "... on AccountSaved { record: account { id code name } } } }"
)
STYLE = {"description_width": "90px"}


@dataclass(frozen=True)
class NewRecord:
    """What the inline form of one kind of record asks, and the mutation that adds it."""

    noun: str
    document: str
    fields: tuple[str, ...]  # name, rate, inclusive, code
    fixed: tuple[tuple[str, Any], ...] = ()  # variables the picker decides (an account's kind)


NEW_RECORDS = {
    Reference.TAX_RULE: NewRecord("tax rule", CREATE_TAX_RULE, ("name", "rate", "inclusive")),
    Reference.LOCATION: NewRecord("location", CREATE_LOCATION, ("name",)),
    Reference.REVENUE_ACCOUNT: NewRecord(
        "revenue account", CREATE_ACCOUNT, ("code", "name"), (("kind", "REVENUE"),)
    ),
    Reference.BANK_ACCOUNT: NewRecord(
        "bank account", CREATE_ACCOUNT, ("code", "name"), (("kind", "BANK"),)
    ),
}
LABELS = {"name": "Name", "rate": "Rate (%)", "code": "Code", "inclusive": "Prices include tax"}
Created = Callable[[Reference, str, str], None]  # kind, label, id


class NewRecordForm(w.VBox):
    """The "New…" button of one picker and the small form it opens."""

    error = traitlets.Unicode("")
    notice = traitlets.Unicode("")

    def __init__(
        self,
        client: SkuportClient,
        kind: Reference,
        field: ReferenceField,
        created: Created,
        *,
        tax_free: bool = False,
        inclusive: bool = False,
    ) -> None:
        self.client, self.kind, self.field, self.created = client, kind, field, created
        self.spec = NEW_RECORDS[kind]
        self.tax_free = tax_free
        self.new_button = w.Button(description="New…", tooltip=f"add a {self.spec.noun}")
        self.inputs: dict[str, Any] = {}
        for name in self.spec.fields:
            if name == "inclusive":
                self.inputs[name] = w.Checkbox(description=LABELS[name], value=inclusive,
                                               indent=False)  # fmt: skip
            else:
                self.inputs[name] = w.Text(description=LABELS[name], style=STYLE)
        if tax_free:
            self.inputs["rate"].value, self.inputs["rate"].disabled = "0", True
        self.create_button = w.Button(description=f"Create {self.spec.noun}", icon="plus",
                                      button_style="primary")  # fmt: skip
        self.cancel_button = w.Button(description="Cancel")
        self.message = w.HTML()
        self.panel = w.VBox(
            [*self.inputs.values(), w.HBox([self.create_button, self.cancel_button])],
            layout={"display": "none", "border": "1px solid #ccc", "padding": "4px"},
        )
        self.new_button.on_click(lambda _button: self.toggle())
        self.create_button.on_click(lambda _button: self.create())
        self.cancel_button.on_click(lambda _button: self.toggle(False))
        super().__init__([self.new_button, self.panel, self.message])

    @property
    def is_open(self) -> bool:
        return self.panel.layout.display != "none"

    def toggle(self, show: bool | None = None) -> None:
        """Open the form (or close it)."""
        show = not self.is_open if show is None else show
        self.panel.layout.display = None if show else "none"
        if show:
            self.message.value = ""

    def create(self) -> bool:
        """Add the record and pick it; a refusal shows below the form, which stays open."""
        self.error = self.notice = ""
        variables = {n: (v.value.strip() if isinstance(v.value, str) else v.value)
                     for n, v in self.inputs.items()} | dict(self.spec.fixed)  # fmt: skip
        if "inclusive" in variables:
            variables["taxFree"] = self.tax_free
        missing = [LABELS[n] for n, value in variables.items() if value == ""]
        if missing:
            return self._fail(f"{' and '.join(missing)} needed for a new {self.spec.noun}")
        try:
            result = self.client.execute(self.spec.document, **variables)["result"]
        except SkuportError as exc:
            return self._fail(str(exc))
        if "message" in result:
            return self._fail(result["message"])
        record = result["record"]
        label = " ".join(str(record[k]) for k in ("code", "name") if k in record)
        self.created(self.kind, label, record["id"])
        self.field.value = record["id"]
        self.notice = f"created {self.spec.noun} {label}: press Save settings to keep it"
        self.message.value = notice_html(self.notice)
        for widget in self.inputs.values():
            if isinstance(widget, w.Text) and not widget.disabled:
                widget.value = ""
        self.toggle(False)
        return True

    def _fail(self, message: str) -> bool:
        self.error = message
        self.message.value = error_html(message)
        return False


def offer_new(options: list[tuple[str, str | None]], label: str, record_id: str) -> list:
    """A dropdown's options with the new record added (once)."""
    kept = [(text, value) for text, value in options if value != record_id]
    return [*kept, (label, record_id)]


def new_record_kind(field: str) -> Reference | None:
    """The kind of record a settings field can create inline, if any (`country:DE`: tax rule)."""
    if field.startswith("country:"):
        return Reference.TAX_RULE
    kind = REFERENCES.get(field, (None,))[0]
    return kind if kind in NEW_RECORDS else None


def new_record_form(
    client: SkuportClient, field: str, picker: Any, store: dict[str, Any], created: Created
) -> NewRecordForm | None:
    """The "New…" form of a settings field (tax rules, locations, accounts), else None."""
    kind = new_record_kind(field)
    if kind is None or not isinstance(picker, ReferenceField):
        return None
    return NewRecordForm(
        client, kind, picker, created,
        tax_free=field == "taxFreeRuleId", inclusive=store.get("region") == "EU",
    )  # fmt: skip
