"""Correcting and retiring reference data (IN-4): edit and archive tax rules, price tiers,
accounts, customers and suppliers. Roles as for creating each kind of record.

An argument left out (null) keeps its value. Archiving with `archived: false` restores.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry

from skuport.domain.inventory.reference import changes
from skuport.schema.context import Info
from skuport.schema.inventory.common import (
    AddressInput,
    domain_address,
    saved_or_refused,
    to_int,
)
from skuport.schema.inventory.reference import (
    SELLERS,
    Account,
    AccountKind,
    AccountResult,
    AccountSaved,
    Customer,
    CustomerResult,
    CustomerSaved,
    PriceTier,
    PriceTierResult,
    PriceTierSaved,
    Supplier,
    SupplierResult,
    SupplierSaved,
    TaxRule,
    TaxRuleResult,
    TaxRuleSaved,
)
from skuport.schema.permissions import FINANCIERS, OPERATORS, allow

ARCHIVE = (
    "Archive the record: it stays on past sales and invoices but is offered for nothing new. "
    "archived: false restores it."
)


@strawberry.input(description="The customer's fields to change; those left out stay as they are.")
class CustomerUpdateInput:
    name: str | None = None
    contact_name: str | None = None
    email: str | None = None
    phone: str | None = None
    billing_address: AddressInput | None = None
    shipping_address: AddressInput | None = None
    price_tier_id: strawberry.ID | None = None
    tax_rule_id: strawberry.ID | None = None
    revenue_account_id: strawberry.ID | None = None


@strawberry.input(description="The supplier's fields to change; those left out stay as they are.")
class SupplierUpdateInput:
    name: str | None = None
    contact_name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: AddressInput | None = None
    currency: str | None = strawberry.field(
        default=None, description="A 3-letter currency code; an empty text clears it."
    )


def _tax_rule(row: Any) -> TaxRuleSaved:
    return TaxRuleSaved(tax_rule=TaxRule.from_model(row))


def _price_tier(row: Any) -> PriceTierSaved:
    return PriceTierSaved(price_tier=PriceTier.from_model(row))


def _account(row: Any) -> AccountSaved:
    return AccountSaved(account=Account.from_model(row))


def _customer(row: Any) -> CustomerSaved:
    return CustomerSaved(customer=Customer.from_model(row))


def _supplier(row: Any) -> SupplierSaved:
    return SupplierSaved(supplier=Supplier.from_model(row))


@strawberry.type
class ReferenceChangesMutation:
    @strawberry.mutation(
        permission_classes=allow(*FINANCIERS),
        description="Rename a tax rule, or change its rate while no sale uses it yet "
        "(once one does, create a new tax rule instead).",
    )
    async def update_tax_rule(
        self,
        info: Info,
        id: strawberry.ID,
        name: str | None = None,
        rate: Decimal | None = None,
        inclusive: bool | None = None,
        tax_free: bool | None = None,
    ) -> TaxRuleResult:  # type: ignore[valid-type]
        return await saved_or_refused(
            info,
            changes.update_tax_rule,
            _tax_rule,
            "tax_rule_id",
            tax_rule_id=to_int(id),
            name=name,
            rate=rate,
            inclusive=inclusive,
            tax_free=tax_free,
        )

    @strawberry.mutation(permission_classes=allow(*FINANCIERS), description=ARCHIVE)
    async def archive_tax_rule(
        self, info: Info, id: strawberry.ID, archived: bool = True
    ) -> TaxRuleResult:  # type: ignore[valid-type]
        return await saved_or_refused(
            info,
            changes.archive_tax_rule,
            _tax_rule,
            "tax_rule_id",
            tax_rule_id=to_int(id),
            archived=archived,
        )

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS, *FINANCIERS),
        description="Rename a price tier, or change its currency while no price or store uses it.",
    )
    async def update_price_tier(
        self, info: Info, id: strawberry.ID, name: str | None = None, currency: str | None = None
    ) -> PriceTierResult:  # type: ignore[valid-type]
        return await saved_or_refused(
            info,
            changes.update_price_tier,
            _price_tier,
            "price_tier_id",
            price_tier_id=to_int(id),
            name=name,
            currency=currency,
        )

    @strawberry.mutation(permission_classes=allow(*OPERATORS, *FINANCIERS), description=ARCHIVE)
    async def archive_price_tier(
        self, info: Info, id: strawberry.ID, archived: bool = True
    ) -> PriceTierResult:  # type: ignore[valid-type]
        return await saved_or_refused(
            info,
            changes.archive_price_tier,
            _price_tier,
            "price_tier_id",
            price_tier_id=to_int(id),
            archived=archived,
        )

    @strawberry.mutation(
        permission_classes=allow(*FINANCIERS),
        description="Change an account's code or name, or its kind while nothing uses it.",
    )
    async def update_account(
        self,
        info: Info,
        id: strawberry.ID,
        code: str | None = None,
        name: str | None = None,
        kind: AccountKind | None = None,  # type: ignore[valid-type]
    ) -> AccountResult:  # type: ignore[valid-type]
        return await saved_or_refused(
            info,
            changes.update_account,
            _account,
            "account_id",
            account_id=to_int(id),
            code=code,
            name=name,
            kind=kind,
        )

    @strawberry.mutation(permission_classes=allow(*FINANCIERS), description=ARCHIVE)
    async def archive_account(
        self, info: Info, id: strawberry.ID, archived: bool = True
    ) -> AccountResult:  # type: ignore[valid-type]
        return await saved_or_refused(
            info,
            changes.archive_account,
            _account,
            "account_id",
            account_id=to_int(id),
            archived=archived,
        )

    @strawberry.mutation(
        permission_classes=allow(*SELLERS), description="Change a customer's details."
    )
    async def update_customer(
        self, info: Info, id: strawberry.ID, input: CustomerUpdateInput
    ) -> CustomerResult:  # type: ignore[valid-type]
        return await saved_or_refused(
            info,
            changes.update_customer,
            _customer,
            "customer_id",
            customer_id=to_int(id),
            name=input.name,
            contact_name=input.contact_name,
            email=input.email,
            phone=input.phone,
            billing_address=domain_address(input.billing_address),
            shipping_address=domain_address(input.shipping_address),
            price_tier_id=to_int(input.price_tier_id),
            tax_rule_id=to_int(input.tax_rule_id),
            revenue_account_id=to_int(input.revenue_account_id),
        )

    @strawberry.mutation(permission_classes=allow(*SELLERS), description=ARCHIVE)
    async def archive_customer(
        self, info: Info, id: strawberry.ID, archived: bool = True
    ) -> CustomerResult:  # type: ignore[valid-type]
        return await saved_or_refused(
            info,
            changes.archive_customer,
            _customer,
            "customer_id",
            customer_id=to_int(id),
            archived=archived,
        )

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS), description="Change a supplier's details."
    )
    async def update_supplier(
        self, info: Info, id: strawberry.ID, input: SupplierUpdateInput
    ) -> SupplierResult:  # type: ignore[valid-type]
        return await saved_or_refused(
            info,
            changes.update_supplier,
            _supplier,
            "supplier_id",
            supplier_id=to_int(id),
            name=input.name,
            contact_name=input.contact_name,
            email=input.email,
            phone=input.phone,
            address=domain_address(input.address),
            currency=input.currency,
        )

    @strawberry.mutation(permission_classes=allow(*OPERATORS), description=ARCHIVE)
    async def archive_supplier(
        self, info: Info, id: strawberry.ID, archived: bool = True
    ) -> SupplierResult:  # type: ignore[valid-type]
        return await saved_or_refused(
            info,
            changes.archive_supplier,
            _supplier,
            "supplier_id",
            supplier_id=to_int(id),
            archived=archived,
        )
