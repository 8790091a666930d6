"""Settings that point at back-office records: where their choices come from, and the field."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

import ipywidgets as w
import traitlets

from skuport.widgets.client import SkuportClient, SkuportError


class Reference(enum.StrEnum):
    """Back-office records a setting points at."""

    CUSTOMER = "customer"
    LOCATION = "location"
    PRICE_TIER = "price tier"
    TAX_RULE = "tax rule"
    REVENUE_ACCOUNT = "revenue account"
    BANK_ACCOUNT = "bank account"


# Plain lists of the back office's records (customers: the picker list, not the paged
# `customers` connection, aliased so the root stays "customers").
REFERENCE_QUERIES: dict[Reference, tuple[str, str]] = {
    Reference.CUSTOMER: ("query Customers { customers: customerList { id name } }", "customers"),
    Reference.LOCATION: ("query Locations { locations { id name } }", "locations"),
    Reference.PRICE_TIER: ("query PriceTiers { priceTiers { id name currency } }", "priceTiers"),
    Reference.TAX_RULE: ("query TaxRules { taxRules { id name } }", "taxRules"),
    Reference.REVENUE_ACCOUNT: (
        "query RevenueAccounts { accounts(kind: REVENUE) { id code name } }",
        "accounts",
    ),
    Reference.BANK_ACCOUNT: (
        "query BankAccounts { accounts(kind: BANK) { id code name } }",
        "accounts",
    ),
}
Options = list[tuple[str, str]]
OptionsSource = Callable[[SkuportClient, Reference], Options | None]


def graphql_reference_options(client: SkuportClient, kind: Reference) -> Options | None:
    """(label, id) choices for `kind` from the server; None when it offers no such query."""
    query, root = REFERENCE_QUERIES[kind]
    try:
        rows = client.execute(query)[root]
    except SkuportError:
        # InvalidQuery: the SDL has no such query yet. Others: the typed id still works, and
        # saving reports any real problem next to the field.
        return None
    labels = (" ".join(str(r[k]) for k in ("code", "name", "currency") if k in r) for r in rows)
    return [(label, str(row["id"])) for label, row in zip(labels, rows, strict=True)]


class ReferenceField(w.HBox):
    """A setting that points at a record: a dropdown when choices are known, else an id box."""

    value = traitlets.Unicode(None, allow_none=True, help="the record's id, None for none")
    problem = traitlets.Unicode("", help="why the typed text is not an id (id box only)")

    def __init__(self, description: str, options: Options | None, none_label: str, **kw: Any):
        self.none_label = none_label
        if options is None:
            self.input: w.ValueWidget = w.Text(
                description=description, placeholder=f"id, blank = {none_label}", **kw
            )
        else:
            self.input = w.Dropdown(
                description=description, options=[(none_label, None), *options], **kw
            )
        self.input.observe(self._from_input, names="value")
        self.observe(self._to_input, names="value")
        super().__init__([self.input])

    def _from_input(self, change: dict[str, Any]) -> None:
        text = change["new"]
        if isinstance(self.input, w.Dropdown):
            self.value = text
            return
        text = (text or "").strip()
        self.problem = "" if not text or text.isdigit() else f"{text!r} is not an id (a number)"
        self.value = text if text else None

    def _to_input(self, change: dict[str, Any]) -> None:
        value = change["new"]
        if isinstance(self.input, w.Dropdown):
            if value not in [v for _, v in self.input.options]:
                self.input.options = [*self.input.options, (f"id {value}", value)]
            self.input.value = value
        elif (self.input.value or "").strip() != (value or ""):
            self.input.value = value or ""
