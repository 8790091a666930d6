"""What Amazon tells us about a listing, turned into our product's terms (CA-4). Pure functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from skuport.domain.amazon.catalog_items import CatalogItem, Dimension

MAX_THEMES = 3
FOUR_PLACES = Decimal("0.0001")

_TO_KG = {
    "kilograms": Decimal(1),
    "kilogram": Decimal(1),
    "kg": Decimal(1),
    "grams": Decimal("0.001"),
    "gram": Decimal("0.001"),
    "g": Decimal("0.001"),
    "pounds": Decimal("0.45359237"),
    "pound": Decimal("0.45359237"),
    "lb": Decimal("0.45359237"),
    "ounces": Decimal("0.028349523125"),
    "ounce": Decimal("0.028349523125"),
    "oz": Decimal("0.028349523125"),
}
_TO_CM = {
    "centimeters": Decimal(1),
    "centimetres": Decimal(1),
    "cm": Decimal(1),
    "millimeters": Decimal("0.1"),
    "millimetres": Decimal("0.1"),
    "mm": Decimal("0.1"),
    "meters": Decimal(100),
    "metres": Decimal(100),
    "m": Decimal(100),
    "inches": Decimal("2.54"),
    "inch": Decimal("2.54"),
    "in": Decimal("2.54"),
    "feet": Decimal("30.48"),
    "ft": Decimal("30.48"),
}


def _convert(dimension: Dimension | None, table: dict[str, Decimal]) -> Decimal | None:
    if dimension is None:
        return None
    factor = table.get(dimension.unit.strip().lower())
    if factor is None:
        return None
    return (dimension.value * factor).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ProductFacts:
    """The product fields a listing gives us (CA-4); None where Amazon said nothing."""

    sku: str
    name: str
    category: str | None
    brand: str | None
    description: str
    weight_kg: Decimal | None
    length_cm: Decimal | None
    width_cm: Decimal | None
    height_cm: Decimal | None
    barcode: str
    image_urls: tuple[str, ...]
    isbn: str = ""

    def as_details(self) -> dict[str, Any]:
        """JSON-safe form, kept on the catalog entry."""
        return {
            "sku": self.sku,
            "name": self.name,
            "category": self.category,
            "brand": self.brand,
            "description": self.description,
            "weight_kg": _text(self.weight_kg),
            "length_cm": _text(self.length_cm),
            "width_cm": _text(self.width_cm),
            "height_cm": _text(self.height_cm),
            "barcode": self.barcode,
            "image_urls": list(self.image_urls),
            "isbn": self.isbn,
        }

    @classmethod
    def from_details(cls, data: dict[str, Any]) -> ProductFacts:
        return cls(
            sku=data["sku"],
            name=data["name"],
            category=data.get("category"),
            brand=data.get("brand"),
            description=data.get("description", ""),
            weight_kg=_decimal(data.get("weight_kg")),
            length_cm=_decimal(data.get("length_cm")),
            width_cm=_decimal(data.get("width_cm")),
            height_cm=_decimal(data.get("height_cm")),
            barcode=data.get("barcode", ""),
            image_urls=tuple(data.get("image_urls", [])),
            isbn=data.get("isbn", ""),
        )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _first_identifier(item: CatalogItem, *kinds: str) -> str:
    for kind in kinds:
        values = item.identifiers.get(kind) or []
        if values:
            return values[0]
    return ""


def _description(item: CatalogItem) -> str:
    for key in ("product_description", "bullet_point"):
        values = item.attributes.get(key)
        if isinstance(values, list):
            texts = [v.get("value", "") for v in values if isinstance(v, dict)]
            if any(texts):
                return "\n".join(t for t in texts if t)
    return ""


def _small_image(item: CatalogItem) -> tuple[str, ...]:
    """The smallest main image (the seed's 'small product image'), else the first image."""
    main = [i for i in item.images if i.variant == "MAIN"] or item.images
    if not main:
        return ()
    return (min(main, key=lambda i: i.width * i.height or 10**9).link,)


def product_sku(seller_sku: str, asin: str, isbn: str) -> str:
    """CA-4: the seller SKU; without one, a book's ISBN, else the ASIN (the seed's reading)."""
    return seller_sku.strip() or isbn.strip() or asin.strip()


def facts_of(item: CatalogItem | None, *, seller_sku: str, asin: str, title: str) -> ProductFacts:
    """The product a listing describes; the report's title stands in when details are missing."""
    isbn = _first_identifier(item, "ISBN", "ISBN13", "ISBN10") if item else ""
    if item is None:
        return ProductFacts(
            sku=product_sku(seller_sku, asin, ""),
            name=title.strip() or asin,
            category=None,
            brand=None,
            description="",
            weight_kg=None,
            length_cm=None,
            width_cm=None,
            height_cm=None,
            barcode="",
            image_urls=(),
        )
    dimensions = item.item_dimensions or item.package_dimensions
    return ProductFacts(
        sku=product_sku(seller_sku, asin, isbn),
        name=(item.name or title or asin).strip(),
        category=item.category_path[0] if item.category_path else None,
        brand=item.brand,
        description=_description(item),
        weight_kg=_convert(dimensions.get("weight"), _TO_KG),
        length_cm=_convert(dimensions.get("length"), _TO_CM),
        width_cm=_convert(dimensions.get("width"), _TO_CM),
        height_cm=_convert(dimensions.get("height"), _TO_CM),
        barcode=_first_identifier(item, "UPC", "EAN", "GTIN"),
        image_urls=_small_image(item),
        isbn=isbn,
    )


@dataclass(frozen=True)
class Variation:
    """Where a child sits in its family: parent ASIN, the first three themes and its values."""

    parent_asin: str
    themes: tuple[str, ...]
    values: tuple[str, ...] = field(default=())


def theme_names(parent: CatalogItem) -> tuple[str, ...]:
    """The parent's first three variation themes (CA-2), as option names."""
    names = list(parent.variation_attributes)
    if not names and parent.variation_theme:
        names = [part for part in parent.variation_theme.replace("-", "/").split("/") if part]
    return tuple(_label(n) for n in names[:MAX_THEMES])


def _label(attribute: str) -> str:
    return attribute.replace("_", " ").strip().title()


def variation_of(child: CatalogItem, parent: CatalogItem) -> Variation:
    """The child's option values for the parent's first three themes."""
    themes = list(parent.variation_attributes[:MAX_THEMES])
    if not themes and parent.variation_theme:
        themes = [p for p in parent.variation_theme.replace("-", "/").split("/") if p][:MAX_THEMES]
    values = tuple(_attribute_value(child, theme) for theme in themes)
    return Variation(parent_asin=parent.asin, themes=theme_names(parent), values=values)


def _attribute_value(item: CatalogItem, attribute: str) -> str:
    key = attribute.strip().lower()
    summary = {"color": item.color, "colour": item.color, "size": item.size}
    if summary.get(key):
        return str(summary[key])
    values = item.attributes.get(key) or item.attributes.get(attribute)
    if isinstance(values, list) and values and isinstance(values[0], dict):
        return str(values[0].get("value", "")) or "-"
    return "-"
