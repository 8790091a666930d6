"""The runs widget and status panel, driven as a user would: click, then look at the state."""

from __future__ import annotations

from skuport.widgets import RunsWidget, SkuportClient, StatusPanel


def test_the_runs_widget_lists_jobs_and_runs_a_job_now(live_server, tokens):
    # given
    widget = RunsWidget(SkuportClient(live_server.graphql_url, tokens["operations"]))
    assert "housekeeping" in widget.jobs
    assert widget.error == ""
    # when
    widget.job_picker.value = "housekeeping"
    widget.run_button.click()
    # then
    assert widget.error == ""
    assert widget.notice.startswith("started housekeeping")
    assert [run["operation"] for run in widget.runs] == ["housekeeping"]
    assert widget.runs[0]["triggeredBy"] == "operations user"


def test_a_readonly_user_sees_why_the_job_did_not_run(live_server, tokens):
    widget = RunsWidget(SkuportClient(live_server.graphql_url, tokens["readonly"]))
    widget.job_picker.value = "housekeeping"
    widget.run_button.click()
    assert "readonly token may not" in widget.error
    assert "⚠" in widget.status.value


def test_an_unreachable_server_is_shown_in_the_widget_not_raised(tokens):
    widget = RunsWidget(SkuportClient("http://127.0.0.1:9/graphql", "skp_x", timeout=2))
    assert "cannot reach the Skuport server" in widget.error
    assert widget.runs == []


def test_the_status_panel_shows_who_is_signed_in(live_server, tokens):
    panel = StatusPanel(SkuportClient(live_server.graphql_url, tokens["finance"]))
    assert panel.error == ""
    assert "finance user" in panel.view.value
    assert panel.data["status"]["databaseOk"] is True


def test_lg4_a_per_store_job_runs_for_the_store_picked(live_server, tokens, store_id):
    """LG-4: jobs are offered by what they do; a per-store job runs for the picked store, and
    without one the analyst is told to pick it (in words, not ids)."""
    widget = RunsWidget(SkuportClient(live_server.graphql_url, tokens["operations"]))
    labels = dict((name, label) for label, name in widget.job_picker.options)
    assert labels["catalog_download"] != "catalog_download"  # its description, not its name
    assert widget.store_picker.value == store_id  # the first store, ready to run
    widget.job_picker.value = "catalog_download"
    widget.store_picker.value = ""
    widget.run_button.click()
    assert "runs for one store: pick the store" in widget.error
    widget.store_picker.value = store_id
    widget.run_button.click()
    assert widget.error == "" and widget.notice.startswith("started catalog_download")
    assert widget.runs[0]["operation"] == "catalog_download"
    assert widget.runs[0]["target"] == store_id


def test_lg4_a_job_is_picked_from_the_start(live_server, tokens):
    """LG-4: "Run now" works straight away: the first job is already picked."""
    widget = RunsWidget(SkuportClient(live_server.graphql_url, tokens["operations"]))
    assert widget.job_picker.value == widget.jobs[0]
