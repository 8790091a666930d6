"""Every model of the back office, imported together so the mappers can resolve each other."""

from skuport.domain.inventory.credit_notes.models import CreditNote, CreditNoteLine
from skuport.domain.inventory.products.models import (
    Brand,
    Category,
    KitComponent,
    Product,
    ProductFamily,
    ProductPrice,
    ProductType,
)
from skuport.domain.inventory.purchasing.models import (
    DropShipOrder,
    DropShipOrderLine,
    PurchaseOrderStatus,
)
from skuport.domain.inventory.reference.models import (
    Account,
    AccountKind,
    Customer,
    PriceTier,
    Supplier,
    TaxRule,
)
from skuport.domain.inventory.sales.models import (
    ChargeKind,
    Invoice,
    InvoiceStatus,
    LineKind,
    Payment,
    PaymentStatus,
    Sale,
    SaleLine,
    SaleStatus,
    Shipment,
    StageStatus,
)
from skuport.domain.inventory.stock.models import (
    Location,
    MovementKind,
    StockCheckpoint,
    StockMovement,
)

__all__ = [
    "Account",
    "AccountKind",
    "Brand",
    "Category",
    "ChargeKind",
    "CreditNote",
    "CreditNoteLine",
    "Customer",
    "DropShipOrder",
    "DropShipOrderLine",
    "Invoice",
    "InvoiceStatus",
    "KitComponent",
    "LineKind",
    "Location",
    "MovementKind",
    "Payment",
    "PaymentStatus",
    "PriceTier",
    "Product",
    "ProductFamily",
    "ProductPrice",
    "ProductType",
    "PurchaseOrderStatus",
    "Sale",
    "SaleLine",
    "SaleStatus",
    "Shipment",
    "StageStatus",
    "StockCheckpoint",
    "StockMovement",
    "Supplier",
    "TaxRule",
]
