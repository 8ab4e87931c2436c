"""A transient fault mid-read is survived inside one `main.py read`: the stream resumes from its
last checkpoint on a new session, delivers every row, and its state stays truthful.

Each case arms one fault on its own local workspace (`/local/faults`), runs one read, and checks
the delivered rows (count and checksum of the distinct rows), that the fault fired, and that the
connector said where it resumed. Results stay inline (Cloud Fetch off), so FetchResults carries
the rows and a fault on its 2nd call lands mid-read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import ConnectorRun, configured_catalog, run_connector
from integration_tests.fault_switches import FaultSwitches
from integration_tests.local_workspace_process import RunningWorkspace, running_workspace
from integration_tests.workspace_sql import Tables

SCHEMA = "resume"
NAMESPACE = f"main.{SCHEMA}"
CLOUD_FETCH_THRESHOLD = "LOCAL_WORKSPACE_CLOUD_FETCH_THRESHOLD_BYTES"
ROWS = 120_000  # three fetches (50,000 rows each at most): a fault on the 2nd is mid-read
CHECKPOINT = 50_000
EXPECTED = {(i, f"v{i}") for i in range(ROWS)}
# The client retries a 503 six times within 30 s; six 503s exhaust its retries.
EXHAUST_RETRIES = 6
MID_FETCH = {
    "connection dropped": {"kind": "drop_connection", "rpc": "FetchResults", "skip": 1},
    "session expired": {"kind": "expire_session", "rpc": "FetchResults", "skip": 1},
    "503 past the client's retries": {
        "kind": "unavailable",
        "rpc": "FetchResults",
        "skip": 1,
        "count": EXHAUST_RETRIES,
    },
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningWorkspace]:
    data_dir = tmp_path_factory.mktemp("resume-workspace")
    with running_workspace(data_dir, env={CLOUD_FETCH_THRESHOLD: "0"}) as workspace:
        tables = Tables(workspace)
        try:
            tables.run(f"CREATE SCHEMA main.{SCHEMA}")
            for name, properties in (("keyed", ""), ("feed", _CHANGE_FEED)):
                tables.run(
                    f"CREATE TABLE main.{SCHEMA}.{name} (id BIGINT NOT NULL, v STRING, "
                    f"CONSTRAINT {name}_pk PRIMARY KEY (id)){properties}"
                )
                tables.run(
                    f"INSERT INTO main.{SCHEMA}.{name} SELECT id, 'v' || id FROM range({ROWS})"
                )
            tables.run(f"CREATE VIEW main.{SCHEMA}.unkeyed AS SELECT * FROM main.{SCHEMA}.keyed")
        finally:
            tables.close()
        yield workspace


_CHANGE_FEED = " TBLPROPERTIES (delta.enableChangeDataFeed = true)"


@pytest.fixture(scope="module")
def config(workspace) -> dict:
    return config_for(workspace, include_schemas=[SCHEMA], checkpoint_interval=CHECKPOINT)


def stream(name: str, incremental: bool = False) -> dict:
    modes = ["full_refresh", "incremental"] if incremental else ["full_refresh"]
    schema = {"type": "object", "properties": {"id": {}, "v": {}}}
    return {
        "name": name,
        "namespace": NAMESPACE,
        "json_schema": schema,
        "supported_sync_modes": modes,
    }


def read_with_fault(workspace, config, fault: dict, catalog: dict) -> tuple[ConnectorRun, int]:
    switches = FaultSwitches(workspace)
    switches.clear()
    switches.arm(retry_after=1, **fault)
    try:
        run = run_connector("read", config=config, catalog=catalog)
    finally:
        switches.clear()
    return run, switches.injected(fault["kind"])


def delivered(run: ConnectorRun) -> set[tuple[int, str]]:
    return {(r["data"]["id"], r["data"]["v"]) for r in run.records}


def checksum(rows: set[tuple[int, str]]) -> str:
    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()


def logs(run: ConnectorRun) -> str:
    return "\n".join(m["log"]["message"] for m in run.of_type("LOG"))


def assert_complete(run: ConnectorRun, injected: int) -> None:
    assert injected >= 1, "the fault never fired"
    assert run.returncode == 0, run.errors
    assert checksum(delivered(run)) == checksum(EXPECTED)
    # Re-emitted rows are those since the last checkpoint of the failed attempt, at most.
    assert ROWS <= len(run.records) <= ROWS + 2 * CHECKPOINT
    assert "attempt 1 of 3 failed" in logs(run)


@pytest.mark.parametrize("fault", list(MID_FETCH))
def test_a_keyed_full_refresh_resumes_at_its_last_key(workspace, config, fault) -> None:
    catalog = configured_catalog([stream("keyed")])
    run, injected = read_with_fault(workspace, config, MID_FETCH[fault], catalog)
    assert_complete(run, injected)
    assert "resuming from its last checkpoint" in logs(run)
    positions = [s["stream"]["stream_state"].get("position") for s in run.states]
    assert positions[-1] is None and run.states[-1]["stream"]["stream_state"] == {
        "__ab_full_refresh_sync_complete": True
    }
    # The row-count cross-check held over the records of both attempts.
    assert f"records emitted for {ROWS:,} rows" in logs(run)


def test_a_cursor_incremental_resumes_at_its_last_cursor(workspace, config) -> None:
    catalog = configured_catalog([stream("keyed", incremental=True)], "incremental")
    catalog["streams"][0]["cursor_field"] = ["id"]
    run, injected = read_with_fault(workspace, config, MID_FETCH["session expired"], catalog)
    assert_complete(run, injected)
    assert run.states[-1]["stream"]["stream_state"] == {
        "cursor_field": "id",
        "cursor": str(ROWS - 1),
    }


def test_a_change_feed_snapshot_resumes_at_its_last_key(workspace, config) -> None:
    cdf = {**config, "replication": {"method": "change_data_feed"}}
    catalog = configured_catalog([stream("feed", incremental=True)], "incremental")
    run, injected = read_with_fault(workspace, cdf, MID_FETCH["connection dropped"], catalog)
    assert_complete(run, injected)
    final = run.states[-1]["stream"]["stream_state"]
    assert final["snapshot_complete"] is True and final["snapshot_position"] is None


def test_an_unkeyed_read_that_emitted_rows_fails_as_transient(unkeyed_dropped) -> None:
    run, injected, _ = unkeyed_dropped
    assert injected == 1 and run.returncode != 0
    assert {e["failure_type"] for e in run.errors} == {"transient_error"}
    assert 0 < len(run.records) < ROWS and "attempt 1 of 3" not in logs(run)


def test_an_unkeyed_read_restarts_while_it_has_emitted_nothing(
    workspace, config, unkeyed_dropped
) -> None:
    _, _, statements = unkeyed_dropped  # the view's SELECT was the last: it had no version to pin
    fault = {"kind": "expire_session", "rpc": "ExecuteStatement", "skip": statements - 1}
    catalog = configured_catalog([stream("unkeyed")])
    run, injected = read_with_fault(workspace, config, fault, catalog)
    assert_complete(run, injected)
    assert len(run.records) == ROWS and "resuming from the start" in logs(run)


@pytest.fixture(scope="module")
def unkeyed_dropped(workspace, config) -> tuple[ConnectorRun, int, int]:
    """A view read whose connection drops mid-fetch: the run, the drops, and its statements."""
    switches = FaultSwitches(workspace)
    switches.clear()
    switches.arm(retry_after=1, **MID_FETCH["connection dropped"])
    # Never fires: it counts the read's statements.
    switches.arm(kind="expire_session", rpc="ExecuteStatement", skip=10_000)
    try:
        run = run_connector("read", config=config, catalog=configured_catalog([stream("unkeyed")]))
    finally:
        faults = switches.state()["faults"]
        switches.clear()
    statements = next(f["seen"] for f in faults if f["kind"] == "expire_session")
    return run, switches.injected("drop_connection"), statements
