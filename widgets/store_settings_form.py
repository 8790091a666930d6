"""The settings form of a store: its fields, how each is shown, and what Save sends (ST-5, ST-6).

Pure pieces the settings widget puts together: no server calls here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import available_timezones

import ipywidgets as w

from skuport.widgets.store_references import Options, Reference, ReferenceField

CHOICES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "loadOrdersWhen": ("Load orders", [("when paid", "PAID"), ("when shipped", "SHIPPED")]),
    "consolidation": ("Consolidation", [("none", "NONE"), ("daily", "DAILY")]),
    "fulfilmentMode": (
        "Pick/pack/ship",
        [
            ("none", "NONE"),
            ("pick", "PICK"),
            ("pick + pack", "PICK_PACK"),
            ("pick + pack + ship", "PICK_PACK_SHIP"),
        ],
    ),
    "invoiceStatus": ("Invoice status", [("draft", "DRAFT"), ("authorised", "AUTHORISED")]),
    "salesRepresentative": (
        "Sales representative",
        [("shop name", "SHOP_NAME"), ("marketplace (Amazon_US …)", "MARKETPLACE")],
    ),
    "matchProducts": ("Match products", [("by SKU", "BY_SKU"), ("manually", "MANUAL")]),
}
FLAGS = {
    "processFbaOrders": "Process Amazon-fulfilled (FBA) orders",
    "createProductIfNotFound": "Create product if not found (BY_SKU only)",
    "amazonIsMaster": "Amazon is master source for products",
    "updateStockLevels": "Update stock levels in Amazon",
    "confirmReturnsManually": "Confirm FBM returns received by hand (runbook 07)",
}
REFERENCES: dict[str, tuple[Reference, str, str]] = {
    "customerId": (Reference.CUSTOMER, "Customer", "none (required before processing)"),
    "fbmLocationId": (Reference.LOCATION, "FBM orders from", "all locations"),
    "fbaLocationId": (Reference.LOCATION, "FBA orders to", "none"),
    "lineTaxRuleId": (Reference.TAX_RULE, "Tax rule: lines", "none"),
    "chargeTaxRuleId": (Reference.TAX_RULE, "Tax rule: charges", "none"),
    "taxFreeRuleId": (Reference.TAX_RULE, "Tax-free rule", "none"),
    "revenueAccountId": (Reference.REVENUE_ACCOUNT, "Revenue account", "product/customer's"),
    "paymentAccountId": (Reference.BANK_ACCOUNT, "Payment account", "none"),
    "returnsLocationId": (Reference.LOCATION, "FBM returns to", "the FBM orders location"),
    "unsellableLocationId": (Reference.LOCATION, "Unsellable returns to", "none (written off)"),
}
TAX_MAPPING = "Tax mapping"  # ST-6
SECTIONS = {
    "Orders": [
        "loadOrdersWhen", "orderDownloadMinutes", "customerId", "fbmLocationId",
        "processFbaOrders", "fbaLocationId", "fulfilmentMode", "invoiceStatus",
        "salesRepresentative",
    ],
    "Daily consolidation": ["consolidation", "consolidationTime", "timezone"],
    "Products": ["matchProducts", "createProductIfNotFound", "amazonIsMaster", "updateStockLevels"],
    TAX_MAPPING: ["lineTaxRuleId", "chargeTaxRuleId", "taxFreeRuleId"],
    "Accounts": ["revenueAccountId", "paymentAccountId"],
    "Returns": ["returnsLocationId", "unsellableLocationId", "confirmReturnsManually"],
}  # fmt: skip
MASTER_WARNING = (
    "⚠ With Amazon as master source, every catalog download overwrites our products' data "
    "(name, description, barcode, weight, prices, image — all but the SKU) with Amazon's."
)
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$")
STYLE = {"description_width": "180px"}

ChoicesOf = Callable[[Reference], Options | None]


def shown(field: str, value: Any) -> Any:
    """A server value as its widget shows it (times without seconds)."""
    return str(value)[:5] if field == "consolidationTime" else value


def country_of(field: str) -> str | None:
    """The country of a per-country tax rule field (`country:DE`), else None."""
    return field.removeprefix("country:") if field.startswith("country:") else None


def make_input(field: str, choices: ChoicesOf) -> Any:
    """The input widget of one setting, labelled in the seller's words."""
    if field in CHOICES:
        label, options = CHOICES[field]
        return w.Dropdown(description=label, options=options, style=STYLE)
    if field in FLAGS:
        return w.Checkbox(description=FLAGS[field], indent=False)
    if field in REFERENCES:
        kind, label, none_label = REFERENCES[field]
        return ReferenceField(label, choices(kind), none_label, style=STYLE)
    if field == "orderDownloadMinutes":
        return w.IntText(description="Download orders every (min)", style=STYLE)
    if field == "consolidationTime":
        return w.Text(description="Local time (HH:MM)", style=STYLE)
    return w.Combobox(
        description="Time zone",
        options=sorted(available_timezones()),
        placeholder="e.g. Europe/London",
        style=STYLE,
    )


EU_TAX_NOTE = (
    "Amazon Europe sends prices with VAT included and no tax: choose tax-inclusive rules. "
    "Lines shipped within the EU use the product's tax rule when it has one; other lines and "
    "every additional charge (shipping, gift wrap, discounts) use the rule of the destination "
    "country, so European stores have no separate rule for charges."
)
NA_TAX_NOTE = (
    "Amazon's tax amounts are kept as they are, under these rules' names: choose rules that "
    "add tax to the price, so totals stay Amazon's."
)


def sections_of(store: dict[str, Any]) -> dict[str, list[str]]:
    """The form's sections; EU stores map a tax rule per destination country instead of a rule
    for charges, which follow the destination country there (OR-6)."""
    sections = dict(SECTIONS)
    if store["region"] == "EU":
        countries = sorted({e["marketplace"]["countryCode"] for e in store["marketplaces"]})
        kept = [f for f in sections[TAX_MAPPING] if f != "chargeTaxRuleId"]
        sections[TAX_MAPPING] = [*kept, *(f"country:{c}" for c in countries)]
    return sections


def section_note(store: dict[str, Any], title: str) -> str:
    """The explanation shown under a section's title, if it has one."""
    if title != TAX_MAPPING:
        return ""
    return EU_TAX_NOTE if store["region"] == "EU" else NA_TAX_NOTE


def country_rules(settings: dict[str, Any]) -> dict[str, str]:
    """The store's tax rule per destination country."""
    return {r["countryCode"]: r["taxRuleId"] for r in settings.get("countryTaxRules", [])}


def filled_input(field: str, settings: dict[str, Any], choices: ChoicesOf) -> Any:
    """The input of one field, holding the store's current value."""
    country = country_of(field)
    if country is None:
        widget, value = make_input(field, choices), shown(field, settings[field])
    else:
        kind = choices(Reference.TAX_RULE)
        widget = ReferenceField(f"Tax rule: to {country}", kind, "none", style=STYLE)
        value = country_rules(settings).get(country)
    widget.value = value
    return widget


def changed_values(settings: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    """The settings whose widget differs from the value read from the server."""
    rules = country_rules(settings)
    changed = {}
    for field, widget in inputs.items():
        country = country_of(field)
        old = rules.get(country) if country else shown(field, settings.get(field))
        if widget.value != old:
            changed[field] = widget.value
    return changed


def problems_of(changed: dict[str, Any], inputs: dict[str, Any]) -> dict[str, str]:
    """What is wrong with the changed values before anything is sent, by field."""
    problems = {
        field: inputs[field].problem
        for field in changed
        if isinstance(inputs[field], ReferenceField) and inputs[field].problem
    }
    time_value = changed.get("consolidationTime")
    if time_value is not None and not _TIME.match(time_value.strip()):
        problems["consolidationTime"] = f"{time_value!r} is not a time of day like 23:30"
    return problems


def settings_input(changed: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    """The StoreSettingsInput for the changed values; cleared references go in `clear`."""
    data: dict[str, Any] = {"clear": []}
    for field, value in changed.items():
        if country_of(field):
            continue
        if field == "consolidationTime":
            hours, minutes = value.strip().split(":")[:2]
            data[field] = f"{int(hours):02d}:{minutes}:00"
        elif field == "timezone":
            data[field] = value.strip()
        elif value is None and field in REFERENCES:
            data["clear"].append(field)
        else:
            data[field] = value
    if any(country_of(field) for field in changed):
        data["countryTaxRules"] = [
            {"countryCode": country_of(f), "taxRuleId": widget.value}
            for f, widget in inputs.items()
            if country_of(f) and widget.value
        ]
    return data


def master_html(on: bool) -> str:
    """The warning shown next to "Amazon is master source" while it is ticked."""
    return f"<b style='color:#b36b00'>{MASTER_WARNING}</b>" if on else ""


def gaps_html(gaps: list[str]) -> str:
    """The tax-mapping check (ST-6): complete, or what is missing and what that means."""
    if not gaps:
        return "<b style='color:#1b7f3b'>✔ Tax mapping complete.</b>"
    items = "".join(f"<li>{html.escape(gap)}</li>" for gap in gaps)
    return (
        "<div style='border:2px solid #b00020;padding:6px'><b style='color:#b00020'>"
        "⚠ Tax mapping incomplete: orders of this store are skipped at download until "
        f"these are set:</b><ul>{items}</ul></div>"
    )
