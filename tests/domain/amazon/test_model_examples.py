"""Issue 4 — contract: the client parses the example payloads Amazon ships inside its models."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from skuport.domain.amazon import catalog_items as catalog
from skuport.domain.amazon import feeds, finances, listings, orders, reports, sellers

MODELS = Path(__file__).resolve().parents[2] / "data" / "spapi"


def examples(model: str, operation_id: str, status: str = "200") -> list[Any]:
    """Every success payload Amazon's model gives for an operation (examples + sandbox)."""
    root = json.loads((MODELS / model).read_text())
    for operations in root["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                response = operation["responses"][status]
                shipped = response.get("examples", {})
                # Swagger keys examples by media type; some models put the body there directly.
                found = [shipped["application/json"]] if "application/json" in shipped else []
                found += [shipped] if shipped and "application/json" not in shipped else []
                sandbox = response.get("x-amzn-api-sandbox", {})
                found += [
                    case["response"] for case in sandbox.get("static", []) if "response" in case
                ]
                assert found, f"{operation_id} has no examples"
                return found
    raise KeyError(operation_id)


def test_search_orders_examples_parse():
    for body in examples("orders_2026-01-01.json", "searchOrders"):
        page = orders.parse_search_orders(body)
        for order in page.items:
            assert order.order_id and order.items and order.created.tzinfo is not None
            for item in order.items:
                if item.unit_price:
                    assert isinstance(item.unit_price.amount, Decimal)


def test_get_order_examples_parse():
    for body in examples("orders_2026-01-01.json", "getOrder"):
        order = orders.parse_order(body["order"])
        assert order.items


def test_catalog_examples_parse():
    for body in examples("catalogItems_2022-04-01.json", "getCatalogItem"):
        item = catalog.parse_item(body, "ATVPDKIKX0DER")
        assert item.asin
    for body in examples("catalogItems_2022-04-01.json", "searchCatalogItems"):
        assert all(catalog.parse_item(i, "ATVPDKIKX0DER").asin for i in body["items"])


def test_listings_examples_parse():
    for body in examples("listingsItems_2021-08-01.json", "getListingsItem"):
        item = listings.parse_listings_item(body, "ATVPDKIKX0DER")
        assert item.sku
    for operation in ("putListingsItem", "patchListingsItem", "deleteListingsItem"):
        for body in examples("listingsItems_2021-08-01.json", operation):
            submission = listings._parse_submission(body)
            assert submission.status in ("ACCEPTED", "INVALID", "VALID")


def test_feed_and_report_examples_parse():
    for body in examples("feeds_2021-06-30.json", "getFeed"):
        assert feeds.parse_feed(body).feed_id
    for body in examples("reports_2021-06-30.json", "getReport"):
        assert reports.parse_report(body).report_id
    for body in examples("reports_2021-06-30.json", "getReports"):
        assert all(reports.parse_report(r).report_type for r in body["reports"])


def test_feed_processing_report_example_parses():
    content = (MODELS / "listings-feed-processing-report-schema-v2.example.json").read_bytes()
    report = feeds.parse_processing_report(content)
    assert report.summary["messagesProcessed"] >= 1
    assert report.issues


def test_sellers_example_parses():
    for body in examples("sellers.json", "getMarketplaceParticipations"):
        assert sellers.parse_participations(body)


@pytest.mark.parametrize("operation", ["listFinancialEventsByGroupId", "listFinancialEvents"])
def test_financial_events_examples_parse(operation):
    for body in examples("financesV0.json", operation):
        events = finances.parse_financial_events(body["payload"]["FinancialEvents"])
        assert events
        assert all(isinstance(a.money.amount, Decimal) for e in events for a in e.amounts)


def test_financial_event_groups_and_transactions_examples_parse():
    for body in examples("financesV0.json", "listFinancialEventGroups"):
        groups = [finances._group(g) for g in body["payload"]["FinancialEventGroupList"]]
        assert groups and groups[0].group_id
    for body in examples("finances_2024-06-19.json", "listTransactions"):
        transactions = [finances.parse_transaction(t) for t in body["payload"]["transactions"]]
        assert transactions and isinstance(transactions[0].total.amount, Decimal)
