"""Processing a JSON_LISTINGS_FEED: apply each message, write Amazon's processing report."""

from __future__ import annotations

import json
from typing import Any

from skuport.sandbox import listings_logic as logic
from skuport.sandbox.api_listings import render_listing
from skuport.sandbox.state import Document, Job, SandboxState


def _message_issues(state: SandboxState, job: Job, message: dict[str, Any]) -> list[dict[str, Any]]:
    """Validate and apply one message; returns its issues (empty when accepted)."""
    seller = state.sellers[job.seller_id]
    sku = message.get("sku")
    operation = message.get("operationType")
    if not isinstance(sku, str) or operation not in ("UPDATE", "PARTIAL_UPDATE", "PATCH", "DELETE"):
        return [logic.issue(logic.INVALID_VALUE, "The message has no valid sku or operationType.")]
    issues: list[dict[str, Any]] = []
    for marketplace_id in job.marketplace_ids:
        listing = state.listings.get((seller.seller_id, sku))
        if operation == "DELETE":
            logic.delete_listing(state, seller, sku, marketplace_id)
        elif operation in ("UPDATE", "PARTIAL_UPDATE") and (
            operation == "UPDATE" or listing is None
        ):
            attributes = message.get("attributes") or {}
            problems, later, product = logic.check_put(state, seller, attributes)
            if problems:
                return problems
            logic.put_listing(
                state,
                seller,
                sku,
                marketplace_id,
                str(message.get("productType", "PRODUCT")),
                attributes,
                product,
                later,
            )
            issues += later
        else:
            if listing is None:
                return [logic.issue("4000001", f"The SKU '{sku}' does not exist.")]
            patches = message.get("patches")
            if operation == "PARTIAL_UPDATE":
                patches = [
                    {"op": "replace", "path": f"/attributes/{name}", "value": value}
                    for name, value in (message.get("attributes") or {}).items()
                ]
            if not isinstance(patches, list):
                return [logic.issue(logic.MISSING, "'patches' is required for PATCH messages.")]
            merged = dict(listing.attributes)
            for patch in patches:
                merged[str(patch.get("path", "")).removeprefix("/attributes/")] = patch.get("value")
            problems = logic.offer_values(merged)[2]
            if problems:
                return problems
            logic.patch_listing(state, seller, sku, marketplace_id, patches)
    return issues


def _report_items(
    state: SandboxState, job: Job, messages: list[Any], included: set[str]
) -> list[dict[str, Any]]:
    """The listings items of the feed's SKUs, as getListingsItem shows them."""
    items = []
    marketplace_id = job.marketplace_ids[0] if job.marketplace_ids else None
    skus = dict.fromkeys(m.get("sku") for m in messages if isinstance(m, dict))
    for sku in skus:
        listing = state.listings.get((job.seller_id, str(sku)))
        if listing is not None and marketplace_id in listing.offers:
            items.append(render_listing(state, listing, marketplace_id, included))
    return items


def _read_feed(state: SandboxState, job: Job) -> tuple[Any, list[Any] | None]:
    """The feed's JSON and its messages (None when the document is not a listings feed)."""
    document = state.documents.get(job.input_document_id or "")
    feed = None
    try:
        feed = json.loads(document.content) if document else None
        messages = feed["messages"] if isinstance(feed, dict) else None
        if not isinstance(messages, list):
            raise ValueError("no messages")
    except (ValueError, KeyError, TypeError):
        messages = None
    return feed, messages


def _issue_row(message: Any, entry: dict[str, Any]) -> dict[str, Any]:
    """A processing report issue of one message."""
    return {
        "messageId": message.get("messageId") if isinstance(message, dict) else None,
        "sku": message.get("sku") if isinstance(message, dict) else None,
        "code": entry["code"],
        "severity": entry["severity"],
        "message": entry["message"],
        **({"attributeName": entry["attributeNames"][0]} if entry.get("attributeNames") else {}),
    }


def _empty_summary(errors: int) -> dict[str, int]:
    """A processing report summary before any message counts."""
    return {
        "errors": errors,
        "warnings": 0,
        "messagesProcessed": 0,
        "messagesAccepted": 0,
        "messagesInvalid": 0,
    }


def _apply_messages(
    state: SandboxState, job: Job, messages: list[Any]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Apply every message: the report's issues and its summary."""
    issues: list[dict[str, Any]] = []
    summary = _empty_summary(errors=0)
    for message in messages:
        summary["messagesProcessed"] += 1
        found = (
            _message_issues(state, job, message)
            if isinstance(message, dict)
            else [logic.issue(logic.INVALID_VALUE, "Invalid message.")]
        )
        blocking = any(i["severity"] == "ERROR" for i in found)
        summary["messagesInvalid" if blocking else "messagesAccepted"] += 1
        for entry in found:
            issues.append(_issue_row(message, entry))
            summary["errors"] += entry["severity"] == "ERROR"
            summary["warnings"] += entry["severity"] == "WARNING"
    return issues, summary


def finish_feed(state: SandboxState, job: Job) -> None:
    """Process a due feed and store its processing report as the result document."""
    report: dict[str, Any] = {
        "header": {"sellerId": job.seller_id, "version": "2.0", "feedId": job.job_id}
    }
    feed, messages = _read_feed(state, job)
    if messages is None or state.settings.feed_failure == "FATAL":
        job.status = "FATAL"
        message = "The feed document is not a valid JSON_LISTINGS_FEED."
        issues = [{"code": "4000000", "severity": "ERROR", "message": message}]
        summary = _empty_summary(errors=1)
    else:
        issues, summary = _apply_messages(state, job, messages)
        job.status = "DONE"
        requested = (feed.get("header") or {}).get("report") if isinstance(feed, dict) else None
        if isinstance(requested, dict) and requested.get("includedData"):
            report["header"]["report"] = requested
            report["items"] = _report_items(state, job, messages, set(requested["includedData"]))
    report["issues"] = [{k: v for k, v in i.items() if v is not None} for i in issues]
    report["summary"] = summary
    result = Document(
        state.next_id("amzn1.tortuga.3.result."), "application/json", json.dumps(report).encode()
    )
    state.documents[result.document_id] = result
    job.result_document_id = result.document_id
