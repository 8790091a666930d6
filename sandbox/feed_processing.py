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


def finish_feed(state: SandboxState, job: Job) -> None:
    """Process a due feed and store its processing report as the result document."""
    seller_id = job.seller_id
    report: dict[str, Any] = {
        "header": {"sellerId": seller_id, "version": "2.0", "feedId": job.job_id}
    }
    issues: list[dict[str, Any]] = []
    accepted = invalid = processed = 0
    errors = warnings = 0
    document = state.documents.get(job.input_document_id or "")
    try:
        feed = json.loads(document.content) if document else None
        messages = feed["messages"] if isinstance(feed, dict) else None
        if not isinstance(messages, list):
            raise ValueError("no messages")
    except (ValueError, KeyError, TypeError):
        messages = None
    if messages is None or state.settings.feed_failure == "FATAL":
        job.status = "FATAL"
        issues.append(
            {
                "code": "4000000",
                "severity": "ERROR",
                "message": "The feed document is not a valid JSON_LISTINGS_FEED.",
            }
        )
        errors = 1
    else:
        for message in messages:
            processed += 1
            found = (
                _message_issues(state, job, message)
                if isinstance(message, dict)
                else [logic.issue(logic.INVALID_VALUE, "Invalid message.")]
            )
            blocking = [i for i in found if i["severity"] == "ERROR"]
            if blocking:
                invalid += 1
            else:
                accepted += 1
            for entry in found:
                issues.append(
                    {
                        "messageId": message.get("messageId")
                        if isinstance(message, dict)
                        else None,
                        "sku": message.get("sku") if isinstance(message, dict) else None,
                        "code": entry["code"],
                        "severity": entry["severity"],
                        "message": entry["message"],
                        **(
                            {"attributeName": entry["attributeNames"][0]}
                            if entry.get("attributeNames")
                            else {}
                        ),
                    }
                )
                errors += entry["severity"] == "ERROR"
                warnings += entry["severity"] == "WARNING"
        job.status = "DONE"
        requested = (feed.get("header") or {}).get("report") if isinstance(feed, dict) else None
        if isinstance(requested, dict) and requested.get("includedData"):
            report["header"]["report"] = requested
            report["items"] = _report_items(state, job, messages, set(requested["includedData"]))
    report["issues"] = [{k: v for k, v in i.items() if v is not None} for i in issues]
    report["summary"] = {
        "errors": errors,
        "warnings": warnings,
        "messagesProcessed": processed,
        "messagesAccepted": accepted,
        "messagesInvalid": invalid,
    }
    result = Document(
        state.next_id("amzn1.tortuga.3.result."), "application/json", json.dumps(report).encode()
    )
    state.documents[result.document_id] = result
    job.result_document_id = result.document_id
