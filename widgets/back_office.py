"""The Back office widget: a tab per kind of record, each a grid with add, edit, archive, restore.

Setting up a store needs records of the back office: tax rules, locations, accounts, price tiers,
customers, suppliers, categories, brands and products. Each tab lists one kind (archived ones
too when asked), adds one from the form, edits the picked row and archives or restores it. A
refusal of the server shows next to the field it names, in the server's plain words.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets

from skuport.widgets.back_office_forms import RecordForm, error_html, notice_html
from skuport.widgets.back_office_kinds import (
    KINDS,
    KINDS_BY_KEY,
    Kind,
    archive_document,
    create_document,
    create_variables,
    has_archiving,
    read_records,
    update_document,
    update_variables,
)
from skuport.widgets.client import SkuportClient, SkuportError
from skuport.widgets.grids import Grid, column_title
from skuport.widgets.store_references import (
    Options,
    OptionsSource,
    Reference,
    graphql_reference_options,
)

GRID_TITLES = {"taxFree": "Tax-free", "inclusive": "Prices include tax", "rate": "Rate (%)",
               "weightKg": "Weight (kg)", "sku": "SKU", "contactName": "Contact"}  # fmt: skip


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else value


def records_frame(kind: Kind, records: list[dict[str, Any]], *, archived: bool) -> pd.DataFrame:
    """The records as a grid, in words; an "Archived" column when archived ones are shown."""
    columns = ["id", *kind.columns, *(["archived"] if archived else [])]
    rows = [{c: _cell(record.get(c)) for c in columns} for record in records]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.rename(columns=lambda c: GRID_TITLES.get(c) or column_title(c))


class RecordTab(w.VBox):
    """One kind of record: the grid, the form, and the buttons that add, save and archive."""

    records = traitlets.List(help="the records shown, as last read from the server")
    selected = traitlets.Dict(help="the record picked in the grid, {} when adding a new one")
    field_errors = traitlets.Dict(help="form field → why the server (or a check) refused it")
    error = traitlets.Unicode("")
    notice = traitlets.Unicode("")

    def __init__(
        self,
        client: SkuportClient,
        kind: Kind,
        *,
        options: OptionsSource = graphql_reference_options,
    ) -> None:
        self.client, self.kind, self.options = client, kind, options
        self.archiving = has_archiving(client, kind)
        self._saved_id: str | None = None  # the record the last add or save answered with
        self._choices: dict[Reference, Options | None] = {}
        self.show_archived = w.Checkbox(description="Show archived", indent=False)
        self.show_archived.layout.display = None if self.archiving else "none"
        self.reload_button = w.Button(description="Reload", icon="refresh")
        self.table = Grid(select={"style": "single"}, selected_rows=[])
        self.form = RecordForm(kind, self._reference_choices)
        self.heading = w.HTML()
        self.add_button = w.Button(description=f"Add {kind.noun}", icon="plus",
                                   button_style="primary")  # fmt: skip
        self.save_button = w.Button(description="Save changes", icon="save", button_style="primary")
        self.new_button = w.Button(description="New", icon="file", tooltip="empty the form")
        self.archive_button = w.Button(description="Archive", icon="archive")
        self.restore_button = w.Button(description="Restore", icon="undo")
        self.archive_note = w.HTML()
        self.status = w.HTML()
        self.show_archived.observe(lambda _change: self.refresh(), names="value")
        self.reload_button.on_click(lambda _button: self.refresh())
        self.table.observe(self._picked, names="selected_rows")
        self.add_button.on_click(lambda _button: self.add())
        self.save_button.on_click(lambda _button: self.save())
        self.new_button.on_click(lambda _button: self.select(None))
        self.archive_button.on_click(lambda _button: self.archive())
        self.restore_button.on_click(lambda _button: self.archive(archived=False))
        buttons = [self.add_button, self.save_button, self.new_button]
        archive = [self.archive_button, self.restore_button, self.archive_note]
        super().__init__(
            [
                w.HBox([self.reload_button, self.show_archived]),
                self.table,
                self.heading,
                self.form,
                w.HBox(buttons),
                w.HBox(archive if self.archiving else []),
                self.status,
            ]
        )
        self.refresh()

    # --- loading and picking --------------------------------------------------------------------

    def _reference_choices(self, kind: Reference) -> Options | None:
        if kind not in self._choices:
            self._choices[kind] = self.options(self.client, kind)
        return self._choices[kind]

    def refresh(self, select: str | None = None) -> None:
        """Read the records again; keep the picked one (or pick `select`) when still shown."""
        keep = select or self.selected.get("id")
        archived = self.show_archived.value
        if self._choices:
            self._choices = {}
            self.form.offer(self._reference_choices)
        try:
            records, total = read_records(self.client, self.kind, archiving=self.archiving,
                                          archived=archived)  # fmt: skip
        except SkuportError as exc:
            self._fail(str(exc))
            return
        self.records = records
        caption = f"the first {len(records)} of {total}: search to narrow" if total > len(
            records) else None  # fmt: skip
        frame = records_frame(self.kind, records, archived=archived)
        self.table.update(frame, caption=caption, selected_rows=[])
        self.select(keep if any(r["id"] == keep for r in self.records) else None)

    def select(self, record_id: str | None) -> None:
        """Pick a record to edit (its row in the grid), or none to add a new one."""
        positions = [i for i, r in enumerate(self.records) if r["id"] == record_id]
        if list(self.table.selected_rows) != positions:
            self.table.selected_rows = positions  # _picked shows it
        else:
            self._show_selected(positions)

    def _picked(self, change: dict[str, Any]) -> None:
        self._show_selected(list(change["new"]))

    def _show_selected(self, positions: list[int]) -> None:
        index = positions[0] if positions else None
        self.selected = self.records[index] if index is not None else {}
        self.form.fill(self.selected)
        self.field_errors = {}
        self.archive_note.value = ""
        picked = bool(self.selected)
        archived = bool(self.selected.get("archived"))
        self.save_button.disabled = not picked
        self.archive_button.disabled = not picked or archived
        self.restore_button.disabled = not picked or not archived
        label = html.escape(self.kind.label_of(self.selected))
        self.heading.value = (
            f"<b>Editing {self.kind.noun} {label}</b>"
            + (" <i>(archived: offered nowhere new)</i>" if archived else "")
            if picked
            else f"<b>New {self.kind.noun}</b>"
        )

    # --- changing -------------------------------------------------------------------------------

    def add(self) -> bool:
        """Add the record the form describes; True when the server saved it."""
        self._start()
        values = self.form.values()
        if self._refused_here(values):
            return False
        variables = create_variables(self.kind, values)
        if not self._send(create_document(self.kind), variables):
            return False
        self._done(f"added {self.kind.noun} {self.kind.label_of(values)}")
        self.refresh(select=self._saved_id or self._id_named(values))
        return True

    def save(self) -> bool:
        """Save the changes to the picked record; fields not changed are left as they are."""
        self._start()
        if not self.selected:
            return self._fail(f"pick a {self.kind.noun} in the table first")
        changed = self.form.changes(self.selected)
        if not changed:
            self._done("nothing changed")
            return False
        if self._refused_here(changed):
            return False
        values = self.form.values()
        variables = update_variables(self.kind, self.selected["id"], changed, values)
        if not self._send(update_document(self.kind), variables):
            return False
        self._done(f"saved {self.kind.noun} {self.kind.label_of(values)}: {self._words(changed)}")
        self.refresh(select=self.selected["id"])
        return True

    def archive(self, *, archived: bool = True) -> bool:
        """Archive the picked record (offered nowhere new, kept on history), or restore it."""
        self._start()
        if not self.selected:
            return self._fail(f"pick a {self.kind.noun} in the table first")
        variables = {"id": self.selected["id"], "archived": archived}
        if not self._send(archive_document(self.kind), variables, archiving=True):
            return False
        verb = "archived" if archived else "restored"
        self._done(f"{verb} {self.kind.noun} {self.kind.label_of(self.selected)}")
        record_id = self.selected["id"]
        if archived and not self.show_archived.value:
            record_id = None  # no longer listed
        self.refresh(select=record_id)
        return True

    # --- talking to the server ------------------------------------------------------------------

    def _send(self, document: str, variables: dict[str, Any], *, archiving: bool = False) -> bool:
        self._saved_id = None
        try:
            result = self.client.execute(document, **variables)["result"]
        except SkuportError as exc:
            return self._fail(str(exc))
        if "message" in result:
            self._refusal(result.get("field"), result["message"], archiving=archiving)
            return False
        self._saved_id = (result.get("record") or {}).get("id")
        return True

    def _refusal(self, field: str | None, message: str, *, archiving: bool) -> None:
        shown = None if archiving else self.form.show_error(field, message)
        self.field_errors = {**self.field_errors, (shown or field or ""): message}
        if archiving:
            self.archive_note.value = error_html(message)
        self._fail(message if shown is None else f"not saved: {message}")

    def _refused_here(self, values: dict[str, Any]) -> bool:
        problems = self.form.problems(values)
        for field, message in problems.items():
            self.form.show_error(field, message)
        if problems:
            self.field_errors = problems
            self._fail("not saved: fix the fields marked in red")
        return bool(problems)

    def _id_named(self, values: dict[str, Any]) -> str | None:
        keys = [n for n in self.kind.label_fields if values.get(n)]
        found = [r for r in self.records if all(r.get(k) == values[k] for k in keys)]
        return found[0]["id"] if keys and found else None

    def _words(self, changed: dict[str, Any]) -> str:
        labels = [self.kind.field(name).label.split(" (")[0].lower() for name in changed]  # type: ignore[union-attr]
        return ", ".join(labels)

    def _start(self) -> None:
        self.error, self.notice, self.field_errors = "", "", {}
        self.form.clear_errors()
        self.archive_note.value = ""
        self.status.value = ""

    def _done(self, message: str) -> None:
        self.notice = message
        self.status.value = notice_html(message)

    def _fail(self, message: str) -> bool:
        self.error = message
        self.status.value = error_html(message)
        return False


class BackOfficeWidget(w.VBox):
    """Every kind of back-office record, one tab each; the checklist opens one with `show_tab`."""

    def __init__(
        self, client: SkuportClient, *, options: OptionsSource = graphql_reference_options
    ) -> None:
        self.client = client
        self.tabs: dict[str, RecordTab] = {
            kind.key: RecordTab(client, kind, options=options) for kind in KINDS
        }
        self.tab = w.Tab(children=list(self.tabs.values()))
        self.tab.titles = tuple(kind.title for kind in KINDS)
        super().__init__([self.tab])

    def show_tab(self, key: str) -> RecordTab:
        """Show the tab of a kind (`taxRules`, `locations` …), read afresh."""
        tab = self.tabs[key]
        self.tab.selected_index = list(self.tabs).index(key)
        tab.refresh()
        return tab

    @property
    def current(self) -> RecordTab:
        return list(self.tabs.values())[self.tab.selected_index or 0]

    @staticmethod
    def title_of(key: str) -> str:
        return KINDS_BY_KEY[key].title
