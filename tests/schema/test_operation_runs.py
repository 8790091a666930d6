"""Operation log through GraphQL (LG-4): run a job now, list runs paged, unknown jobs."""

from __future__ import annotations

RUNS = """
query Runs($first: Int, $after: String) {
  runs(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id operation trigger triggeredBy status processed durationMs errors { reason } }
  }
}
"""
TRIGGER = """
mutation Trigger($name: String!) {
  triggerJob(name: $name) {
    __typename
    ... on JobStarted { run { id status trigger triggeredBy } }
    ... on UnknownJobError { message field known }
  }
}
"""


async def test_running_a_job_now_records_who_ran_it_in_the_operation_log(gql, app):
    """LG-4: the run shows its trigger (user), who, status, counts and duration."""
    # when
    started = await gql(TRIGGER, role="operations", name="housekeeping")
    await app.state.services.runner.drain()
    # then
    run = started["data"]["triggerJob"]["run"]
    assert run["status"] == "RUNNING"
    assert run["trigger"] == "USER"
    runs = (await gql(RUNS, role="readonly"))["data"]["runs"]
    assert runs["totalCount"] == 1
    finished = runs["nodes"][0]
    assert finished["id"] == run["id"]
    assert finished["status"] == "SUCCEEDED"
    assert finished["triggeredBy"] == "operations user"
    assert finished["durationMs"] is not None


async def test_an_unknown_job_is_a_typed_error_listing_the_known_ones(gql):
    result = await gql(TRIGGER, name="no-such-job")
    error = result["data"]["triggerJob"]
    assert error["__typename"] == "UnknownJobError"
    assert error["field"] == "name"
    assert "housekeeping" in error["known"]


async def test_runs_are_paged_newest_first_without_gaps_or_repeats(gql, app):
    for _ in range(5):
        await gql(TRIGGER, name="housekeeping")
    await app.state.services.runner.drain()
    seen, after = [], None
    while True:
        page = (await gql(RUNS, first=2, after=after))["data"]["runs"]
        seen += [int(node["id"]) for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == len(set(seen)) == 5


async def test_a_bad_cursor_or_page_size_is_a_clear_input_error(gql):
    bad_cursor = await gql(RUNS, after="garbage")
    assert bad_cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    too_big = await gql(RUNS, first=1000)
    assert "first must be between" in too_big["errors"][0]["message"]


async def test_jobs_lists_the_housekeeping_job_with_its_schedule(gql):
    jobs = (await gql("query { jobs { name schedule perStore } }"))["data"]["jobs"]
    assert {"name": "housekeeping", "schedule": "every 360 minutes", "perStore": False} in jobs


async def test_server_status_reports_database_and_scheduler(gql, app):
    status = await gql("query { status { database databaseOk schedulerRunning jobCount } }")
    assert status["data"]["status"]["databaseOk"] is True
    assert status["data"]["status"]["database"] == app.state.services.engine.dialect.name
    assert status["data"]["status"]["schedulerRunning"] is False


async def test_healthz_answers_ok(http):
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
