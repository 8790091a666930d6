"""ST-5, OR-6: a tax mapping must keep our totals identical to Amazon's, whatever is mapped.

The seed: we never recalculate Amazon's North American tax, "all data and totals will look
identical to Amazon"; Amazon Europe sends no tax, so its prices are treated as tax inclusive.
A rule's kind decides how a sale line adds up (see `inventory/sales/pricing.py`):
  - North America: Amazon's price is before tax and its tax is given to the line. Under an
    inclusive rule the given tax would be taken out of the price instead of added to it, so
    the invoice would be short by exactly Amazon's tax. Only rules that add tax (or tax-free
    rules) can map NA lines and charges.
  - Europe: Amazon's price already contains the VAT and our rule works the VAT out of it. A
    rule that adds tax would charge the VAT a second time on top of Amazon's price. Only
    inclusive (or tax-free) rules can map EU lines and destination countries.
EU additional charges take the destination country's rule like a line without a product
rule, so the charge rule is not used there and not checked (see `orders/pending.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidValue
from skuport.domain.inventory.reference.models import TaxRule
from skuport.domain.stores.models import Region, Store

# The default rules each region checks, with what they map in the seller's words.
CHECKED = {
    Region.EU: {"line_tax_rule_id": "lines"},
    Region.NA: {"line_tax_rule_id": "lines", "charge_tax_rule_id": "additional charges"},
}


def _adds_nothing(rule: TaxRule) -> bool:
    return bool(rule.tax_free) or rule.rate == 0


def na_refusal(rule: TaxRule) -> str | None:
    """Why `rule` cannot map a North American store's lines or charges, if it cannot."""
    if _adds_nothing(rule) or not rule.inclusive:
        return None
    return (
        f"tax rule {rule.name!r} includes tax in the price, but Amazon's North American prices "
        "are before tax: Amazon's tax would be left out of the sale's total. Choose a rule that "
        "adds tax to the price"
    )


def eu_refusal(rule: TaxRule) -> str | None:
    """Why `rule` cannot map a European store's lines or a destination country, if it cannot."""
    if _adds_nothing(rule) or rule.inclusive:
        return None
    return (
        f"tax rule {rule.name!r} adds tax to the price, but Amazon's European prices already "
        "include VAT: the sale's total would be more than Amazon's. Choose a tax-inclusive rule"
    )


async def check_tax_mapping(
    session: AsyncSession,
    *,
    region: Region,
    merged: Mapping[str, Any],
    country_rules: Mapping[str, int] | None,
) -> None:
    """Refuse a mapping under which a sale's total could differ from Amazon's order total."""
    refusal = refusal_for(region)
    for name in _checked(region):
        rule_id = merged.get(name)
        rule = await session.get(TaxRule, rule_id) if rule_id is not None else None
        reason = refusal(rule) if rule is not None else None
        if reason:
            raise InvalidValue(name, reason)
    for country, rule_id in sorted((country_rules or {}).items()):
        rule = await session.get(TaxRule, rule_id)
        reason = eu_refusal(rule) if rule is not None else None
        if reason:
            raise InvalidValue("country_tax_rules", f"{country.upper()}: {reason}")


def wrong_kind_of_rules(store: Store) -> list[str]:
    """The saved default rules whose kind cannot give Amazon's totals (a mapping saved before
    the settings refused it): orders are skipped, not invoiced short, until it is changed."""
    refusal = refusal_for(store.region)
    kind = "includes VAT" if store.region is Region.EU else "adds tax"
    gaps = []
    for name, what in _checked(store.region).items():
        rule = getattr(store.settings, name.removesuffix("_id"))
        if rule is not None and refusal(rule):
            gaps.append(f"a default tax rule for {what} that {kind} (now {rule.name!r})")
    return gaps


def refusal_for(region: Region) -> Callable[[TaxRule], str | None]:
    """The check of a default rule's kind for a store of `region`."""
    return eu_refusal if region is Region.EU else na_refusal


def _checked(region: Region) -> dict[str, str]:
    return CHECKED[Region.EU] if region is Region.EU else CHECKED[Region.NA]
