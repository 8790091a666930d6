"""GraphQL documents and helpers shared by the catalog tests (CA-1 … CA-10)."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.e2e.store_documents import CONNECT as CONNECT
from tests.e2e.store_documents import SETTINGS as SETTINGS

DOWNLOAD = """
mutation($storeId: ID!) {
  downloadCatalog(storeId: $storeId) {
    __typename ... on JobStarted { run { id status } } ... on UserError { message }
  }
}
"""


RUN = """
query($id: ID!) {
  run(id: $id) { ... on OperationRun { status processed skipped cancelled message
    errors { item reason } } }
}
"""


CATALOG = """
query($storeId: ID!, $filter: CatalogFilterInput, $first: Int, $after: String) {
  catalog(storeId: $storeId, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id isFamily marketplaceId sellerSku asin isbn title aliasName status fulfilment price
      currency optionValues family { title themes productFamilyId }
      product { id sku name } linkSource
      variants { id asin optionValues product { sku name } }
    }
  }
}
"""


async def rows(gql, store_id, **filter):
    result = await gql(CATALOG, storeId=store_id, filter=filter, first=100)
    assert "errors" not in result, result
    return result["data"]["catalog"]["nodes"]


async def count(sessions, model) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count(model.id)))
