"""The back office's kinds of record: their fields, grid columns and GraphQL documents.

One `Kind` per reference record of the back office (tax rules, locations, accounts, price tiers,
customers, suppliers, categories, brands, products). The Back office widget builds a tab from each:
a grid of the records, a form to add and edit one, archive and restore. Pure data and document
builders here; no server calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skuport.widgets.client import SkuportClient
from skuport.widgets.store_references import Reference

ACCOUNT_KINDS = (("revenue", "REVENUE"), ("bank", "BANK"), ("fee", "FEE"), ("expense", "EXPENSE"))
LIST_LIMIT = 1000  # records a grid shows (products: the first ones; the grid says how many)
PAGE = 100  # products read a request


@dataclass(frozen=True)
class Field:
    """One input of a kind's form: the GraphQL argument (or input field) it fills."""

    name: str
    label: str
    widget: str = "text"  # text, decimal, flag, choice, reference
    gql: str = "String"  # the argument's type when adding, without "!"
    required: bool = False  # needed to add a record
    choices: tuple[tuple[str, str], ...] = ()
    reference: Reference | None = None
    default: Any = None


@dataclass(frozen=True)
class Kind:
    """A kind of back-office record and the documents that list, add, edit and archive it."""

    key: str  # the list query's root, also the tab's key
    title: str  # the tab's title
    noun: str  # one record in words
    type_name: str  # the GraphQL type
    fields: tuple[Field, ...]
    columns: tuple[str, ...]  # fields shown in the grid, besides the name ones in `fields`
    create: str
    update: str
    archive: str
    payload: str = ""  # the record's field in the XSaved result, "" when not asked for
    saved: str = ""  # the XSaved type when not named after `type_name`
    input_type: str = ""  # add takes `input: <input_type>!` instead of one argument a field
    update_input_type: str = ""
    update_required: tuple[str, ...] = ()  # arguments an update must always send
    list_root: str = ""  # `customerList(limit: …)` and `products(first: …) { nodes … }`
    paged: bool = False
    label_fields: tuple[str, ...] = ("name",)
    extra_fields: tuple[str, ...] = field(default=())  # read for the grid, not edited

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def label_of(self, record: dict[str, Any]) -> str:
        """The record in a sentence: "VAT 20%", "4000 Sales", "NA-0001 Blue shirt"."""
        return " ".join(str(record.get(n) or "") for n in self.label_fields).strip()


def _contact_fields() -> tuple[Field, ...]:
    return (
        Field("name", "Name", required=True),
        Field("contactName", "Contact"),
        Field("email", "Email"),
        Field("phone", "Phone"),
    )


KINDS: tuple[Kind, ...] = (
    Kind(
        "taxRules", "Tax rules", "tax rule", "TaxRule",
        (
            Field("name", "Name", required=True),
            Field("rate", "Rate (%)", "decimal", "Decimal", required=True),
            Field("inclusive", "Prices include tax", "flag", "Boolean", default=False),
            Field("taxFree", "Tax-free (rate 0)", "flag", "Boolean", default=False),
        ),
        ("name", "rate", "inclusive", "taxFree"),
        "createTaxRule", "updateTaxRule", "archiveTaxRule", payload="taxRule",
    ),
    Kind(
        "locations", "Locations", "location", "Location",
        (Field("name", "Name", required=True),),
        ("name",),
        "createLocation", "updateLocation", "archiveLocation", payload="location",
        update_required=("name",),
    ),
    Kind(
        "accounts", "Accounts", "account", "Account",
        (
            Field("code", "Code", required=True),
            Field("name", "Name", required=True),
            Field("kind", "Kind", "choice", "AccountKind", True, ACCOUNT_KINDS, default="REVENUE"),
        ),
        ("code", "name", "kind"),
        "createAccount", "updateAccount", "archiveAccount", payload="account",
        label_fields=("code", "name"),
    ),
    Kind(
        "priceTiers", "Price tiers", "price tier", "PriceTier",
        (
            Field("name", "Name", required=True),
            Field("currency", "Currency (EUR, GBP …)", required=True),
        ),
        ("name", "currency"),
        "createPriceTier", "updatePriceTier", "archivePriceTier", payload="priceTier",
    ),
    Kind(
        "customers", "Customers", "customer", "Customer",
        (
            *_contact_fields(),
            Field("priceTierId", "Price tier", "reference", "ID", reference=Reference.PRICE_TIER),
            Field("taxRuleId", "Tax rule", "reference", "ID", reference=Reference.TAX_RULE),
        ),
        ("name", "contactName", "email", "phone"),
        "createCustomer", "updateCustomer", "archiveCustomer", payload="customer",
        input_type="CustomerInput", update_input_type="CustomerUpdateInput",
        list_root=f"customerList(limit: {LIST_LIMIT}",
    ),
    Kind(
        "suppliers", "Suppliers", "supplier", "Supplier",
        (*_contact_fields(), Field("currency", "Currency")),
        ("name", "contactName", "email", "phone", "currency"),
        "createSupplier", "updateSupplier", "archiveSupplier", payload="supplier",
        input_type="SupplierInput", update_input_type="SupplierUpdateInput",
    ),
    Kind(
        "categories", "Categories", "category", "NamedRecord",
        (Field("name", "Name", required=True),),
        ("name",),
        "createCategory", "updateCategory", "archiveCategory", update_required=("name",),
        payload="category", saved="CategorySaved",
    ),
    Kind(
        "brands", "Brands", "brand", "NamedRecord",
        (Field("name", "Name", required=True),),
        ("name",),
        "createBrand", "updateBrand", "archiveBrand", update_required=("name",),
        payload="brand", saved="BrandSaved",
    ),
    Kind(
        "products", "Products", "product", "Product",
        (
            Field("sku", "SKU", required=True),
            Field("name", "Name", required=True),
            Field("barcode", "Barcode"),
            Field("category", "Category"),
            Field("brand", "Brand"),
            Field("weightKg", "Weight (kg)", "decimal", "Decimal"),
            Field("defaultTaxRuleId", "Tax rule", "reference", "ID",
                  reference=Reference.TAX_RULE),
        ),
        ("sku", "name", "type", "barcode", "category", "brand", "weightKg"),
        "createProduct", "updateProduct", "archiveProduct", payload="product",
        input_type="ProductInput", update_input_type="ProductChangeInput",
        list_root=f"products(first: {PAGE}, after: $after", paged=True,
        label_fields=("sku", "name"), extra_fields=("type",),
    ),
)  # fmt: skip
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}
RESULT = "__typename ... on UserError { message field }"


def has_archiving(client: SkuportClient, kind: Kind) -> bool:
    """Whether the server's schema (as the client knows it) archives this kind of record."""
    schema = getattr(getattr(client, "_client", None), "schema", None)
    if schema is None:
        return True  # no schema to check against: assume today's contract
    type_ = schema.type_map.get(kind.type_name)
    return type_ is not None and "archived" in getattr(type_, "fields", {})


def list_document(kind: Kind, *, archiving: bool = True) -> str:
    """The query of a kind's records (`$includeArchived` only where the server archives)."""
    wanted = dict.fromkeys(("id", *kind.names, *kind.extra_fields))
    selection = " ".join([*wanted, "archived"] if archiving else wanted)
    args = [kind.list_root] if kind.list_root else [kind.key + "("]
    if archiving:
        args.append(("" if args[0].endswith("(") else ", ") + "includeArchived: $includeArchived")
    call = "".join(args) + ")"
    call = call.replace("()", "")
    paging = "totalCount pageInfo { hasNextPage endCursor }"
    body = f"{{ nodes {{ {selection} }} {paging} }}" if kind.paged else f"{{ {selection} }}"
    declared = [*(["$includeArchived: Boolean!"] if archiving else []),
                *(["$after: String"] if kind.paged else [])]  # fmt: skip
    variables = f"({', '.join(declared)})" if declared else ""
    return f"query {kind.type_name}List{variables} {{ rows: {call} {body} }}"


def read_records(
    client: SkuportClient, kind: Kind, *, archiving: bool, archived: bool
) -> tuple[list[dict[str, Any]], int]:
    """The kind's records (up to LIST_LIMIT, page after page) and how many there are in all."""
    document = list_document(kind, archiving=archiving)
    variables: dict[str, Any] = {"includeArchived": archived} if archiving else {}
    if not kind.paged:
        rows = client.execute(document, **variables)["rows"]
        return rows, len(rows)
    rows, after = [], None
    while True:
        page = client.execute(document, after=after, **variables)["rows"]
        rows.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"] or len(rows) >= LIST_LIMIT:
            return rows, page["totalCount"]
        after = page["pageInfo"]["endCursor"]


def _success(kind: Kind) -> str:
    if not kind.payload:
        return ""
    saved = kind.saved or f"{kind.type_name}Saved"
    return f" ... on {saved} {{ record: {kind.payload} {{ id }} }}"


def create_document(kind: Kind) -> str:
    """The mutation that adds one record (`$input` or one variable a field)."""
    if kind.input_type:
        declared, passed = f"$input: {kind.input_type}!", "input: $input"
    else:
        declared = ", ".join(f"${f.name}: {f.gql}!" for f in kind.fields)
        passed = ", ".join(f"{f.name}: ${f.name}" for f in kind.fields)
    return (
        f"mutation Add{kind.type_name}({declared}) {{"
        f" result: {kind.create}({passed}) {{ {RESULT}{_success(kind)} }} }}"
    )


def update_document(kind: Kind) -> str:
    """The mutation that changes one record; fields sent as null stay as they are."""
    if kind.update_input_type:
        declared = f"$id: ID!, $input: {kind.update_input_type}!"
        passed = "id: $id, input: $input"
    else:
        types = [f"${f.name}: {f.gql}{'!' * (f.name in kind.update_required)}" for f in kind.fields]
        declared = ", ".join(["$id: ID!", *types])
        passed = ", ".join(["id: $id", *(f"{f.name}: ${f.name}" for f in kind.fields)])
    return (
        f"mutation Update{kind.type_name}({declared}) {{"
        f" result: {kind.update}({passed}) {{ {RESULT}{_success(kind)} }} }}"
    )


def archive_document(kind: Kind) -> str:
    """The mutation that archives (archived=true) or restores (false) one record."""
    return (
        f"mutation Archive{kind.type_name}($id: ID!, $archived: Boolean!) {{"
        f" result: {kind.archive}(id: $id, archived: $archived) {{ {RESULT} }} }}"
    )


def create_variables(kind: Kind, values: dict[str, Any]) -> dict[str, Any]:
    """The variables of `create_document` from the form's values (blanks left out of inputs)."""
    if kind.input_type:
        return {"input": {k: v for k, v in values.items() if v not in (None, "")}}
    return {f.name: values.get(f.name, f.default) for f in kind.fields}


def update_variables(
    kind: Kind, record_id: str, changed: dict[str, Any], values: dict[str, Any]
) -> dict[str, Any]:
    """The variables of `update_document`: only what changed, plus what must always be sent."""
    if kind.update_input_type:
        return {"id": record_id, "input": changed}
    variables = {f.name: changed.get(f.name) for f in kind.fields}
    variables |= {name: values.get(name) for name in kind.update_required}
    return {"id": record_id, **variables}
