"""The catalog widget loading a store's listings (CA-1)."""

from __future__ import annotations

from skuport.widgets import CatalogWidget
from tests.widgets.catalog_widgets_support import catalog_of


def test_ca1_load_products_shows_progress_until_the_run_finishes(operations, store_id):
    # given
    widget = CatalogWidget(operations, store_id=store_id, max_pause=0.005)
    assert widget.rows == []
    # when
    widget.load_button.click()
    # then
    assert widget.error == ""
    assert widget.run["status"] == "SUCCEEDED"
    processed = widget.run["processed"]
    assert processed > 0
    assert widget.progress.value == widget.progress.max == processed
    assert widget.progress.bar_style == "success"
    assert f"done: {processed} listings" in widget.progress_label.value
    assert widget.run["message"] in widget.load_report.value
    assert widget.rows  # the grid shows the downloaded catalog


def test_ca1_wait_for_download_reports_skipped_reasons_and_counts(operations, store_id):
    """CA-1: the run's message and every skipped reason are shown when the download ends."""
    widget = catalog_of(operations, store_id)
    widget._finished(
        {
            **widget.run,
            "skipped": 1,
            "errors": [{"item": "US row 7", "reason": "the listing has no ASIN"}],
        }
    )
    assert "US row 7: the listing has no ASIN" in widget.load_report.value
    assert "1 skipped" in widget.progress_label.value


def test_ca1_a_download_throttled_past_every_retry_shows_failed_with_amazons_reason(
    operations, store_id, live_server
):
    from skuport.sandbox.faults import Fault

    widget = CatalogWidget(operations, store_id=store_id, max_pause=0.005)
    live_server.sandbox.faults.add(Fault(kind="429", count=50, operation="searchCatalogItems"))
    try:
        widget.start_download()
        run = widget.wait_for_download(max_polls=5000)
    finally:
        live_server.sandbox.faults.clear()
    assert run["status"] == "FAILED"
    assert widget.progress.bar_style == "danger"
    assert "failed:" in widget.progress_label.value
    assert "QuotaExceeded" in widget.load_report.value
    assert widget.error  # shown in red under the button, no traceback
    assert "Traceback" not in widget.load_status.value
