"""Helpers shared by the catalog widget tests: a loaded catalog, row positions, US."""

from __future__ import annotations

from skuport.widgets import CatalogWidget, SkuportClient


def catalog_of(client: SkuportClient, store_id: str) -> CatalogWidget:
    """A catalog widget whose store has been loaded (polls a few ms apart: Amazon is virtual)."""
    widget = CatalogWidget(client, store_id=store_id, max_pause=0.005)
    assert widget.start_download()
    run = widget.wait_for_download(max_polls=5000)
    assert run["status"] == "SUCCEEDED", run
    return widget


def position(widget: CatalogWidget, **wanted: object) -> int:
    """The grid position of the first row whose fields have the wanted values."""
    return next(
        i
        for i, row in enumerate(widget.rows)
        if all(row.get(key) == value for key, value in wanted.items())
    )


def us(widget: CatalogWidget) -> str:
    return next(code_id for code_id, code in widget._codes.items() if code == "US")
