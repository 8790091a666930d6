"""The root schema, composed from one module per area."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)

from skuport.schema.inventory import InventoryMutation, InventoryQuery
from skuport.schema.listings import CatalogMutation, CatalogQuery
from skuport.schema.operations import OperationsMutation, OperationsQuery, OperationsSubscription
from skuport.schema.order_logs import OrderLogsMutation, OrderLogsQuery, OrderLogsSubscription
from skuport.schema.orders import OrdersMutation, OrdersQuery
from skuport.schema.returns import ReturnsMutation, ReturnsQuery
from skuport.schema.scalars import StrictDecimal
from skuport.schema.stock_sync import StockSyncMutation, StockSyncQuery
from skuport.schema.stores import StoresMutation, StoresQuery
from skuport.schema.system import SystemMutation, SystemQuery
from skuport.schema.text_guard import RefuseUnprintableText


@strawberry.type
class Query(
    SystemQuery,
    OperationsQuery,
    StoresQuery,
    CatalogQuery,
    InventoryQuery,
    StockSyncQuery,
    OrdersQuery,
    OrderLogsQuery,
    ReturnsQuery,
):
    pass


@strawberry.type
class Mutation(
    SystemMutation,
    OperationsMutation,
    StoresMutation,
    CatalogMutation,
    InventoryMutation,
    StockSyncMutation,
    OrdersMutation,
    OrderLogsMutation,
    ReturnsMutation,
):
    pass


@strawberry.type
class Subscription(OperationsSubscription, OrderLogsSubscription):
    pass


def _is_unexpected(error: GraphQLError) -> bool:
    """Errors we raised on purpose carry a code; anything else is masked (no internals leak)."""
    if error.original_error is None:
        return False
    if isinstance(error.original_error, GraphQLError):
        return False
    return not (error.extensions or {}).get("code")


class MaskUnexpectedErrors(MaskErrors):
    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return GraphQLError(
            message="Unexpected error on the server; the details are in the server log.",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR"},
        )


def build_schema(
    *, max_depth: int = 12, max_tokens: int = 5000, max_aliases: int = 30
) -> strawberry.Schema:
    """The API schema, with limits that keep one query from exhausting the server."""
    return strawberry.Schema(
        scalar_overrides={Decimal: StrictDecimal},
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=max_depth),
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            lambda: MaxAliasesLimiter(max_alias_count=max_aliases),
            RefuseUnprintableText,
            lambda: MaskUnexpectedErrors(should_mask_error=_is_unexpected),
        ],
    )


schema = build_schema()
