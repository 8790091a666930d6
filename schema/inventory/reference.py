"""Reference data (IN-4): price tiers, tax rules, chart of accounts, customers, suppliers."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import strawberry

from skuport.domain.auth import Role
from skuport.domain.errors import DomainError
from skuport.domain.inventory.reference import models as m
from skuport.domain.inventory.reference.service import (
    create_account,
    create_customer,
    create_price_tier,
    create_supplier,
    create_tax_rule,
    list_accounts,
    list_price_tiers,
    list_suppliers,
    list_tax_rules,
    select_customers,
)
from skuport.schema.context import Info
from skuport.schema.errors import DuplicateName, InvalidInput, NotFound, RecordInUse
from skuport.schema.inventory.common import (
    Address,
    AddressInput,
    domain_address,
    reading,
    refused,
    to_id,
    to_int,
    unit_of_work,
)
from skuport.schema.pagination import Connection, paginate
from skuport.schema.permissions import FINANCIERS, OPERATORS, READERS, allow

AccountKind = strawberry.enum(m.AccountKind, name="AccountKind")

# Customers are kept by whoever takes orders and whoever bills them.
SELLERS = (Role.OPERATIONS, Role.FINANCE)

ARCHIVED = "Retired: kept on past sales and invoices, but offered for nothing new."
INCLUDE_ARCHIVED = "Also list archived records."


@strawberry.type(description="A named price list in one currency.")
class PriceTier:
    id: strawberry.ID
    name: str
    currency: str
    archived: bool = strawberry.field(description=ARCHIVED)

    @classmethod
    def from_model(cls, row: m.PriceTier) -> PriceTier:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            currency=row.currency,
            archived=row.archived,
        )


@strawberry.type(description="A tax rate in percent, inclusive or exclusive of the price.")
class TaxRule:
    id: strawberry.ID
    name: str
    rate: Decimal
    inclusive: bool
    tax_free: bool
    archived: bool = strawberry.field(description=ARCHIVED)

    @classmethod
    def from_model(cls, row: m.TaxRule) -> TaxRule:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            rate=row.rate,
            inclusive=row.inclusive,
            tax_free=row.tax_free,
            archived=row.archived,
        )


@strawberry.type(description="An account of the chart of accounts.")
class Account:
    id: strawberry.ID
    code: str
    name: str
    kind: AccountKind  # type: ignore[valid-type]
    archived: bool = strawberry.field(description=ARCHIVED)

    @classmethod
    def from_model(cls, row: m.Account) -> Account:
        return cls(
            id=strawberry.ID(str(row.id)),
            code=row.code,
            name=row.name,
            kind=row.kind,
            archived=row.archived,
        )


@strawberry.type(description="Whom we sell to.")
class Customer:
    id: strawberry.ID
    name: str
    contact_name: str
    email: str
    phone: str
    billing_address: Address
    shipping_address: Address
    price_tier_id: strawberry.ID | None
    tax_rule_id: strawberry.ID | None
    revenue_account_id: strawberry.ID | None
    archived: bool = strawberry.field(description=ARCHIVED)

    @classmethod
    def from_model(cls, row: m.Customer) -> Customer:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            contact_name=row.contact_name,
            email=row.email,
            phone=row.phone,
            billing_address=Address.from_dict(row.billing_address),
            shipping_address=Address.from_dict(row.shipping_address),
            price_tier_id=to_id(row.price_tier_id),
            tax_rule_id=to_id(row.tax_rule_id),
            revenue_account_id=to_id(row.revenue_account_id),
            archived=row.archived,
        )


@strawberry.type(description="Whom we buy from; drop-ship orders go to a product's supplier.")
class Supplier:
    id: strawberry.ID
    name: str
    contact_name: str
    email: str
    phone: str
    address: Address
    currency: str
    archived: bool = strawberry.field(description=ARCHIVED)

    @classmethod
    def from_model(cls, row: m.Supplier) -> Supplier:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            contact_name=row.contact_name,
            email=row.email,
            phone=row.phone,
            address=Address.from_dict(row.address),
            currency=row.currency,
            archived=row.archived,
        )


@strawberry.input
class CustomerInput:
    name: str
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    billing_address: AddressInput | None = None
    shipping_address: AddressInput | None = None
    price_tier_id: strawberry.ID | None = None
    tax_rule_id: strawberry.ID | None = None
    revenue_account_id: strawberry.ID | None = None


@strawberry.input
class SupplierInput:
    name: str
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    address: AddressInput | None = None
    currency: str = ""


@strawberry.type
class PriceTierSaved:
    price_tier: PriceTier


@strawberry.type
class TaxRuleSaved:
    tax_rule: TaxRule


@strawberry.type
class AccountSaved:
    account: Account


@strawberry.type
class CustomerSaved:
    customer: Customer


@strawberry.type
class SupplierSaved:
    supplier: Supplier


# The same results answer creating, editing and archiving a record (RecordInUse: see
# domain.inventory.reference.changes).
PriceTierResult = Annotated[
    PriceTierSaved | InvalidInput | DuplicateName | NotFound | RecordInUse,
    strawberry.union("PriceTierResult"),
]
TaxRuleResult = Annotated[
    TaxRuleSaved | InvalidInput | DuplicateName | NotFound | RecordInUse,
    strawberry.union("TaxRuleResult"),
]
AccountResult = Annotated[
    AccountSaved | InvalidInput | DuplicateName | NotFound | RecordInUse,
    strawberry.union("AccountResult"),
]
CustomerResult = Annotated[
    CustomerSaved | InvalidInput | DuplicateName | NotFound | RecordInUse,
    strawberry.union("CustomerResult"),
]
SupplierResult = Annotated[
    SupplierSaved | InvalidInput | DuplicateName | NotFound | RecordInUse,
    strawberry.union("SupplierResult"),
]


_include_archived = strawberry.argument(description=INCLUDE_ARCHIVED)


@strawberry.type
class ReferenceQuery:
    @strawberry.field(permission_classes=allow(*READERS), description="Price tiers by name.")
    async def price_tiers(
        self, info: Info, include_archived: Annotated[bool, _include_archived] = False
    ) -> list[PriceTier]:
        async with reading(info) as session:
            rows = await list_price_tiers(session, include_archived=include_archived)
            return [PriceTier.from_model(row) for row in rows]

    @strawberry.field(permission_classes=allow(*READERS), description="Tax rules by name.")
    async def tax_rules(
        self, info: Info, include_archived: Annotated[bool, _include_archived] = False
    ) -> list[TaxRule]:
        async with reading(info) as session:
            rows = await list_tax_rules(session, include_archived=include_archived)
            return [TaxRule.from_model(row) for row in rows]

    @strawberry.field(
        permission_classes=allow(*READERS), description="The chart of accounts by code."
    )
    async def accounts(
        self,
        info: Info,
        kind: AccountKind | None = None,  # type: ignore[valid-type]
        include_archived: Annotated[bool, _include_archived] = False,
    ) -> list[Account]:
        async with reading(info) as session:
            rows = await list_accounts(session, kind=kind, include_archived=include_archived)
            return [Account.from_model(row) for row in rows]

    @strawberry.field(
        permission_classes=allow(*READERS),
        description="Customers, newest first, searched by name or email.",
    )
    async def customers(
        self,
        info: Info,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
        include_archived: Annotated[bool, _include_archived] = False,
    ) -> Connection[Customer]:
        async with reading(info) as session:
            return await paginate(
                session,
                select_customers(search=search, include_archived=include_archived).order_by(None),
                key=m.Customer.id,
                first=first,
                after=after,
                convert=Customer.from_model,
            )

    @strawberry.field(
        permission_classes=allow(*READERS),
        description="Customers by name as a plain list (for pickers), at most `limit`.",
    )
    async def customer_list(
        self,
        info: Info,
        search: str | None = None,
        limit: int = 200,
        include_archived: Annotated[bool, _include_archived] = False,
    ) -> list[Customer]:
        async with reading(info) as session:
            statement = select_customers(search=search, include_archived=include_archived)
            statement = statement.limit(max(1, min(limit, 1000)))
            return [Customer.from_model(row) for row in await session.scalars(statement)]

    @strawberry.field(permission_classes=allow(*READERS), description="Suppliers by name.")
    async def suppliers(
        self, info: Info, include_archived: Annotated[bool, _include_archived] = False
    ) -> list[Supplier]:
        async with reading(info) as session:
            rows = await list_suppliers(session, include_archived=include_archived)
            return [Supplier.from_model(row) for row in rows]


@strawberry.type
class ReferenceMutation:
    @strawberry.mutation(permission_classes=allow(*OPERATORS, *FINANCIERS))
    async def create_price_tier(self, info: Info, name: str, currency: str) -> PriceTierResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                tier = await create_price_tier(session, name=name, currency=currency)
        except DomainError as exc:
            return refused(exc)
        return PriceTierSaved(price_tier=PriceTier.from_model(tier))

    @strawberry.mutation(
        permission_classes=allow(*FINANCIERS), description="A tax-free rule has rate 0."
    )
    async def create_tax_rule(
        self,
        info: Info,
        name: str,
        rate: Decimal,
        inclusive: bool = False,
        tax_free: bool = False,
    ) -> TaxRuleResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                rule = await create_tax_rule(
                    session, name=name, rate=rate, inclusive=inclusive, tax_free=tax_free
                )
        except DomainError as exc:
            return refused(exc)
        return TaxRuleSaved(tax_rule=TaxRule.from_model(rule))

    @strawberry.mutation(permission_classes=allow(*FINANCIERS))
    async def create_account(
        self,
        info: Info,
        code: str,
        name: str,
        kind: AccountKind,  # type: ignore[valid-type]
    ) -> AccountResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                account = await create_account(session, code=code, name=name, kind=kind)
        except DomainError as exc:
            return refused(exc)
        return AccountSaved(account=Account.from_model(account))

    @strawberry.mutation(permission_classes=allow(*SELLERS))
    async def create_customer(self, info: Info, input: CustomerInput) -> CustomerResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                customer = await create_customer(
                    session,
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
        except DomainError as exc:
            return refused(exc)
        return CustomerSaved(customer=Customer.from_model(customer))

    @strawberry.mutation(permission_classes=allow(*OPERATORS))
    async def create_supplier(self, info: Info, input: SupplierInput) -> SupplierResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                supplier = await create_supplier(
                    session,
                    name=input.name,
                    contact_name=input.contact_name,
                    email=input.email,
                    phone=input.phone,
                    address=domain_address(input.address),
                    currency=input.currency,
                )
        except DomainError as exc:
            return refused(exc)
        return SupplierSaved(supplier=Supplier.from_model(supplier))
