"""The stores table says which restricted roles a store's Amazon application has (ST-3)."""

from __future__ import annotations

from skuport.widgets.store_list import restricted_roles_text

WITHOUT = "orders are captured with the store's customer"


def _roles(granted: bool | None) -> list[dict]:  # type: ignore[type-arg]
    return [
        {"name": "Direct-to-Consumer Delivery", "granted": granted, "withoutIt": WITHOUT},
        {"name": "Tax Invoicing", "granted": granted, "withoutIt": "invoices carry the customer"},
    ]


def test_st3_unknown_until_an_order_shows_it() -> None:
    """ST-3: before a paid merchant-fulfilled order the table says it is not known yet."""
    assert "not known" in restricted_roles_text(_roles(None))


def test_st3_missing_roles_are_named_with_what_they_cost() -> None:
    """ST-3: missing roles are named, with what Skuport does without them."""
    text = restricted_roles_text(_roles(False))
    assert "Direct-to-Consumer Delivery" in text and "Tax Invoicing" in text
    assert WITHOUT in text


def test_st3_granted_roles_are_listed() -> None:
    """ST-3: an application with the roles is shown as having them."""
    assert restricted_roles_text(_roles(True)).startswith("has Direct-to-Consumer Delivery")
