"""GraphQL documents and helpers shared by the shipment confirmation tests (FU-1)."""

from __future__ import annotations

from skuport.domain.orders.models import (
    OrderLogEntry,
)

CONNECT = """
mutation($input: ConnectStoreInput!) {
  connectStore(input: $input) { __typename ... on StoreSaved { store { id } } }
}
"""


SETTINGS = """
mutation($storeId: ID!, $settings: StoreSettingsInput!) {
  updateStoreSettings(storeId: $storeId, settings: $settings) { __typename }
}
"""


CONFIRM_NOW = """
mutation { triggerJob(name: "confirm_shipments") { __typename ... on JobStarted { run { id } } } }
"""


RUN = """
query($id: ID!) { run(id: $id) { ... on OperationRun { status processed skipped message
  errors { item reason } } } }
"""


CONFIRMATIONS = """
query($storeId: ID!, $state: ShipmentConfirmationState) {
  shipmentConfirmations(storeId: $storeId, state: $state) {
    logEntryId amazonOrderId marketplaceId saleId state attempts error carrier trackingNumber
  }
}
"""


RETRY = """
mutation($id: ID!) {
  retryShipmentConfirmation(logEntryId: $id) {
    __typename
    ... on ShipmentConfirmationTried { confirmed confirmation { state attempts error } }
    ... on UserError { message }
  }
}
"""


def unshipped_orders(sandbox, seller, fulfilled_by: str = "MERCHANT"):
    return sorted(
        (
            o
            for o in sandbox.state.orders.values()
            if o.seller_id == seller.seller_id
            and o.fulfilled_by == fulfilled_by
            and o.status in ("UNSHIPPED", "SHIPPED")
            and (fulfilled_by == "AMAZON" or o.status == "UNSHIPPED")
        ),
        key=lambda o: o.order_id,
    )


async def entry_state(sessions, entry_id: int) -> OrderLogEntry:
    async with sessions() as session:
        return await session.get_one(OrderLogEntry, entry_id)


DOWNLOAD_CATALOG = """
mutation($storeId: ID!) { downloadCatalog(storeId: $storeId) { __typename } }
"""


LOAD = """
mutation($storeId: ID!, $since: DateTime!) {
  loadOrders(storeId: $storeId, from: $since) { __typename ... on UserError { message } }
}
"""


SHIP = """
mutation($saleId: ID!, $carrier: String!, $tracking: String!) {
  shipSale(saleId: $saleId, carrier: $carrier, trackingNumber: $tracking) {
    __typename ... on UserError { message }
  }
}
"""
