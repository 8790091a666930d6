"""Connecting an Amazon store (ST-2, ST-3): a sandbox seller, or a real seller's credentials."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import traitlets

from skuport.widgets.client import Forbidden, SkuportClient, SkuportError

STORE_FIELDS = """
fragment StoreFields on Store {
  id name shopRepresentativeName region sellingPartnerId lwaClientId apiEndpoint tokenUrl
  status connectedAt taxMappingGaps
  restrictedRoles { name granted withoutIt }
  marketplaces {
    enabled priceTierId
    marketplace { id code countryCode name currency }
  }
  settings {
    loadOrdersWhen consolidation consolidationTime timezone orderDownloadMinutes customerId
    fbmLocationId processFbaOrders fbaLocationId fulfilmentMode invoiceStatus revenueAccountId
    salesRepresentative matchProducts createProductIfNotFound amazonIsMaster updateStockLevels
    lineTaxRuleId chargeTaxRuleId taxFreeRuleId paymentAccountId
    returnsLocationId unsellableLocationId confirmReturnsManually
    countryTaxRules { countryCode taxRuleId }
  }
}
"""
STORE_RESULT = """
  __typename
  ... on StoreSaved { store { ...StoreFields } }
  ... on UserError { message field }
"""
STORES = "query Stores { stores { ...StoreFields } }" + STORE_FIELDS
SANDBOX_SELLERS = "query SandboxSellers { sandboxSellers { sellerId name region marketplaceIds } }"
CONNECT_SANDBOX_STORE = (
    "mutation ConnectSandboxStore($sellerId: String!, $name: String) {"
    f" connectSandboxStore(sellerId: $sellerId, name: $name) {{ {STORE_RESULT} }} }}" + STORE_FIELDS
)
CONNECT_STORE = (
    "mutation ConnectStore($input: ConnectStoreInput!) {"
    f" connectStore(input: $input) {{ {STORE_RESULT} }} }}" + STORE_FIELDS
)
REGIONS = [
    ("North America (US, CA, MX)", "NA"),
    ("Europe (UK, DE, FR, IT, ES)", "EU"),
    ("Far East (JP, AU, SG)", "FE"),
]
# Shown as hints only: the server fills in Amazon's host for the region when left blank.
AMAZON_HOSTS = {
    "NA": "https://sellingpartnerapi-na.amazon.com",
    "EU": "https://sellingpartnerapi-eu.amazon.com",
    "FE": "https://sellingpartnerapi-fe.amazon.com",
}


_STYLE = {"description_width": "170px"}


def text_input(label: str, default: str = "", *, secret: bool = False) -> w.Text:
    """A wide text box; `default` is what the server uses when it is left blank."""
    kind = w.Password if secret else w.Text
    placeholder = f"default: {default}" if default else ""
    return kind(description=label, placeholder=placeholder, style=_STYLE, layout={"width": "520px"})


def error_html(message: str) -> str:
    """A short error for the analyst, in red, escaped."""
    return f"<b style='color:#b00020'>⚠ {html.escape(message)}</b>" if message else ""


def store_summary_html(store: dict[str, Any]) -> str:
    """One store and the marketplaces discovered for it."""
    rows = "".join(
        f"<li>{html.escape(entry['marketplace']['code'])} — "
        f"{html.escape(entry['marketplace']['name'])} ({entry['marketplace']['currency']})"
        f"{'' if entry['enabled'] else ' — not used'}</li>"
        for entry in store["marketplaces"]
    )
    return (
        f"<b>✔ Connected {html.escape(store['name'])}</b> (store {store['id']}, region "
        f"{store['region']}, shop representative {html.escape(store['shopRepresentativeName'])})"
        f"<br>Marketplaces discovered:<ul>{rows}</ul>"
    )


class ConnectStoreWidget(w.VBox):
    """Connect a store: pick a sandbox seller (demo), or enter a real seller's credentials (ST-3).

    A refusal shows next to the field Amazon or the server blamed; a success shows the store
    and the marketplaces discovered for it.
    """

    sellers = traitlets.List(help="sellers of the sandbox Amazon, empty when there is none")
    store = traitlets.Dict(help="the store connected last, as the server returned it")
    error = traitlets.Unicode("", help="the last error, empty when all went well")
    error_field = traitlets.Unicode("", help="the input field the last error blamed, if any")
    notice = traitlets.Unicode("")

    def __init__(self, client: SkuportClient) -> None:
        self.client = client
        self._field_errors: dict[str, w.HTML] = {}
        self.seller_picker = w.Dropdown(description="Seller", options=[])
        self.sandbox_name = w.Text(description="Name", placeholder="optional: the seller's name")
        self.sandbox_button = w.Button(description="Connect", icon="plug", button_style="primary")
        self.sandbox_button.on_click(lambda _button: self.connect_sandbox())
        self.sandbox_box = w.VBox(
            [
                w.HTML("<b>Sandbox Amazon</b> (demo): connect one of its sellers."),
                self._row(self.seller_picker, "sellerId"),
                self._row(self.sandbox_name, "sandboxName"),
                self.sandbox_button,
            ]
        )
        self.inputs: dict[str, w.ValueWidget] = {
            "name": text_input("Store name"),
            "shopRepresentativeName": text_input("Shop representative", "the seller's store name"),
            "region": w.Dropdown(description="Region", options=REGIONS, style=_STYLE),
            "sellingPartnerId": text_input("Selling partner id"),
            "lwaClientId": text_input("LWA client id"),
            "lwaClientSecret": text_input("LWA client secret", secret=True),
            "refreshToken": text_input("Refresh token", secret=True),
            "apiEndpoint": text_input("API endpoint", AMAZON_HOSTS["NA"]),
            "tokenUrl": text_input("LWA token URL", "https://api.amazon.com/auth/o2/token"),
        }
        self.connect_button = w.Button(
            description="Test and connect", icon="plug", button_style="primary"
        )
        self.connect_button.on_click(lambda _button: self.connect_real())
        self.inputs["region"].observe(self._region_changed, names="value")
        self.status = w.HTML()
        self.result = w.HTML()
        real_box = w.VBox(
            [
                w.HTML(
                    "<b>Real Amazon seller</b>: the credentials are tested and the seller's "
                    "marketplaces discovered before the store is saved; secrets are stored "
                    "encrypted and never shown again."
                ),
                *(self._row(widget, name) for name, widget in self.inputs.items()),
                self.connect_button,
            ]
        )
        super().__init__([self.sandbox_box, real_box, self.status, self.result])
        self.refresh()

    def _row(self, widget: w.Widget, field: str) -> w.HBox:
        label = self._field_errors.setdefault(field, w.HTML())
        return w.HBox([widget, label])

    def field_error(self, field: str) -> str:
        """The error text shown next to `field` (empty when none)."""
        label = self._field_errors.get(field)
        return label.value if label is not None else ""

    def _region_changed(self, change: dict[str, Any]) -> None:
        self.inputs["apiEndpoint"].placeholder = f"default: {AMAZON_HOSTS[change['new']]}"

    def refresh(self) -> None:
        """Ask the server which sandbox sellers it offers (none outside the demo)."""
        try:
            sellers = self.client.execute(SANDBOX_SELLERS)["sandboxSellers"]
        except Forbidden as exc:
            self._show_error(f"connecting stores needs an admin token: {exc}")
            sellers = []
        except SkuportError as exc:
            self._show_error(str(exc))
            sellers = []
        self.sellers = sellers
        self.seller_picker.options = [
            (f"{s['name']} ({s['region']}, {len(s['marketplaceIds'])} marketplaces)", s["sellerId"])
            for s in sellers
        ]
        self.seller_picker.value = sellers[0]["sellerId"] if sellers else None
        self.sandbox_box.layout.display = None if sellers else "none"

    def connect_sandbox(self) -> None:
        """Connect the picked sandbox seller, tested like a real store."""
        if not self.seller_picker.value:
            self._show_error("pick a seller of the sandbox Amazon", "sellerId")
            return
        name = self.sandbox_name.value.strip() or None
        self._run(
            CONNECT_SANDBOX_STORE,
            "connectSandboxStore",
            sellerId=self.seller_picker.value,
            name=name,
        )

    def connect_real(self) -> None:
        """Test the entered credentials with Amazon and, when they work, save the store."""
        values = {name: widget.value for name, widget in self.inputs.items()}
        data = {
            name: value.strip() if isinstance(value, str) else value
            for name, value in values.items()
        }
        for optional in ("shopRepresentativeName", "apiEndpoint", "tokenUrl"):
            data[optional] = data[optional] or None
        self._run(CONNECT_STORE, "connectStore", input=data)

    def _run(self, query: str, mutation: str, **variables: Any) -> None:
        self._clear()
        try:
            result = self.client.execute(query, **variables)[mutation]
        except SkuportError as exc:
            self._show_error(str(exc))
            return
        if result["__typename"] != "StoreSaved":
            field = result.get("field") or ""
            if mutation == "connectSandboxStore" and field == "name":
                field = "sandboxName"
            self._show_error(result["message"], field)
            return
        self.store = result["store"]
        self.notice = f"connected {self.store['name']}"
        self.result.value = store_summary_html(self.store)
        for secret in ("lwaClientSecret", "refreshToken"):
            self.inputs[secret].value = ""

    def _clear(self) -> None:
        self.error = self.error_field = self.notice = ""
        self.status.value = self.result.value = ""
        for label in self._field_errors.values():
            label.value = ""

    def _show_error(self, message: str, field: str = "") -> None:
        self.error, self.error_field = message, field
        label = self._field_errors.get(field)
        if label is not None:
            label.value = error_html(message)
            self.status.value = error_html(f"not connected: see {field}")
        else:
            where = f"{field}: " if field else ""
            self.status.value = error_html(f"{where}{message}")
