"""GraphQL documents the end-to-end tests share: connecting a store and changing its settings."""

CONNECT = """
mutation($input: ConnectStoreInput!) {
  connectStore(input: $input) {
    __typename ... on StoreSaved { store { id marketplaces { marketplace { id code } } } }
    ... on UserError { message }
  }
}
"""
SETTINGS = """
mutation($storeId: ID!, $settings: StoreSettingsInput!) {
  updateStoreSettings(storeId: $storeId, settings: $settings) {
    __typename ... on UserError { message field }
  }
}
"""
