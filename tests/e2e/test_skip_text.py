"""What a run tells the analyst about skipped orders names no requirement id (OR-7, OR-8, BX-3).

Skip reasons in the operation log (LG-4), the needs-attention queue (BX-3) and notifications
(BX-4) are read by sellers: they say why in words, never "(OR-7)".
"""

from __future__ import annotations

import re

from tests.e2e import test_orders_support as support
from tests.e2e.test_orders_support import ATTENTION, NOTIFICATIONS

amazon, shop, load = support.amazon, support.shop, support.load

REQUIREMENT_ID = re.compile(r"\b[A-Z]{2}-[0-9]+\b")


def run_texts(run: dict) -> list[str]:
    """The run's message and each skipped item's reason, as the operation log shows them."""
    return [run["message"] or "", *(error["reason"] for error in run["errors"])]


async def test_or8_skip_reasons_attention_items_and_notifications_name_no_requirement_id(
    gql, shop, load
):
    # given a working NA store (FBA orders skipped by default, OR-7), loaded twice (OR-3), and
    # an EU store whose tax mapping is incomplete (ST-6), so its orders are queued and notified
    na = await shop("NA")
    eu = await shop("EU", mapped=False)
    # when
    first = await load(na.id)
    again = await load(na.id, days=3, route="SEARCH")
    unmapped = await load(eu.id, days=3, route="SEARCH")
    items = (await gql(ATTENTION))["data"]["attentionItems"]
    notes = (await gql(NOTIFICATIONS))["data"]["notifications"]["nodes"]
    # then every kind of text was produced …
    texts = [*run_texts(first), *run_texts(again), *run_texts(unmapped)]
    reasons = " ".join(texts)
    assert "fba_not_processed: the store's settings skip FBA orders" in reasons
    assert "already_captured" in reasons and "tax_mapping_incomplete" in reasons
    assert items and notes
    texts += [f"{item['reason']}: {item['detail']}" for item in items]
    texts += [note["message"] for note in notes]
    # … and none names a requirement id
    assert [text for text in texts if REQUIREMENT_ID.search(text)] == []
