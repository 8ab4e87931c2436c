"""Each fault switch against the real SQL client and SDK: what the client does, and the count.

The SQL client waits at least ``_retry_delay_max`` (5 s at the lowest) before each retry, so the
retry tests cost ~5 s each; retries are bounded here as the connector bounds them.
"""

from __future__ import annotations

import os
import time

import pytest
from databricks import sql
from databricks.sdk import WorkspaceClient
from databricks.sql.exc import DatabaseError

from integration_tests.fault_switches import FaultSwitches
from integration_tests.local_workspace_process import RunningWorkspace, running_workspace

BOUNDED_RETRIES = {
    "_retry_delay_min": 1,
    "_retry_delay_max": 5,
    "_retry_stop_after_attempts_count": 3,
    "_retry_stop_after_attempts_duration": 60,
}
ROWS = 1_500_000  # more than one page: FetchResults is called
# Results stay inline (Cloud Fetch off): these faults hit the pages FetchResults carries.
INLINE = {"LOCAL_WORKSPACE_CLOUD_FETCH_THRESHOLD_BYTES": "0"}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> RunningWorkspace:
    with running_workspace(tmp_path_factory.mktemp("faults") / "ws", env=INLINE) as ws:
        yield ws


@pytest.fixture
def switches(workspace) -> FaultSwitches:
    switches = FaultSwitches(workspace)  # counts injections from here on
    switches.clear()
    yield switches
    switches.clear()


def _query(workspace, statement: str, **overrides):
    kwargs = workspace.sql_connect_kwargs(**BOUNDED_RETRIES) | overrides
    with sql.connect(**kwargs) as connection, connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchall_arrow()


def _timed(call):
    started = time.monotonic()
    return call(), time.monotonic() - started


@pytest.mark.parametrize(
    ("kind", "rpc"),
    [
        ("unavailable", "ExecuteStatement"),
        ("rate_limited", "ExecuteStatement"),
        ("unavailable", "OpenSession"),
        ("rate_limited", "OpenSession"),
    ],
)
def test_503_and_429_with_retry_after_are_retried_within_bounds(workspace, switches, kind, rpc):
    switches.arm(kind=kind, rpc=rpc, count=1, retry_after=1)
    table, seconds = _timed(lambda: _query(workspace, "SELECT 7 AS x"))
    assert table.to_pylist() == [{"x": 7}]
    assert switches.injected(kind) == 1
    assert seconds < 15


def test_503_on_fetch_results_is_retried_without_losing_a_page(workspace, switches):
    switches.arm(kind="unavailable", rpc="FetchResults", count=1, retry_after=1)
    table = _query(workspace, f"SELECT id FROM range({ROWS})")
    assert table.num_rows == ROWS
    assert table.column("id").to_pylist()[-1] == ROWS - 1
    assert switches.injected("unavailable") == 1


def test_a_503_that_does_not_end_exhausts_the_bounded_retries(workspace, switches):
    switches.arm(kind="unavailable", rpc="ExecuteStatement", count=0, retry_after=1)
    overrides = {"_retry_stop_after_attempts_count": 2}
    started = time.monotonic()
    with pytest.raises(Exception, match="503"):
        _query(workspace, "SELECT 1", **overrides)
    assert time.monotonic() - started < 30
    assert switches.injected("unavailable") >= 2


def test_a_connection_dropped_mid_fetch_fails_the_read_not_losing_rows(workspace, switches):
    switches.arm(kind="drop_connection", rpc="FetchResults", count=1)
    with pytest.raises(Exception, match=r"IncompleteRead|Connection broken|skipped"):
        _query(workspace, f"SELECT id FROM range({ROWS})")
    assert switches.injected("drop_connection") == 1
    assert _query(workspace, "SELECT 1 AS ok").to_pylist() == [{"ok": 1}]  # server is fine


def test_a_connection_dropped_during_execute_fails_the_statement(workspace, switches):
    switches.arm(kind="drop_connection", rpc="ExecuteStatement", count=1)
    with pytest.raises(Exception, match=r"IncompleteRead|Connection broken"):
        _query(workspace, "SELECT 1")
    assert switches.injected("drop_connection") == 1


def test_an_expired_session_gives_databricks_invalid_handle_error(workspace, switches):
    kwargs = workspace.sql_connect_kwargs(**BOUNDED_RETRIES)
    with sql.connect(**kwargs) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        switches.arm(kind="expire_session", rpc="ExecuteStatement")
        cursor.close()
        with (
            connection.cursor() as fresh,
            pytest.raises(DatabaseError, match=r"\[INVALID_HANDLE\.SESSION_NOT_FOUND\]"),
        ):
            fresh.execute("SELECT 1")
    assert switches.injected("expire_session") == 1
    assert _query(workspace, "SELECT 2 AS x").to_pylist() == [{"x": 2}]  # a new session works


def test_statement_latency_delays_the_result(workspace, switches):
    switches.arm(kind="statement_latency", seconds=2.5)
    table, seconds = _timed(lambda: _query(workspace, "SELECT 3 AS x"))
    assert table.to_pylist() == [{"x": 3}]
    assert seconds >= 2.5
    assert switches.injected("statement_latency") == 1


@pytest.mark.parametrize("kind", ["unavailable", "rate_limited"])
def test_rest_faults_are_retried_by_the_sdk(workspace, switches, monkeypatch, kind):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(workspace.ca_file))
    for name in [n for n in os.environ if n.startswith(("DATABRICKS_", "ARM_"))]:
        monkeypatch.delenv(name)
    w = WorkspaceClient(host=workspace.url, token=workspace.token, auth_type="pat")
    switches.arm(kind=kind, path="/api/2.0/sql/warehouses", count=2, retry_after=1)
    assert w.warehouses.get(workspace.warehouse_id).id == workspace.warehouse_id
    assert switches.injected(kind) == 2


def test_a_fault_armed_on_the_command_line(tmp_path):
    args = ["--fault", "unavailable@ExecuteStatement,count=1,retry_after=1"]
    with running_workspace(tmp_path / "ws", args=args) as workspace:
        assert _query(workspace, "SELECT 5 AS x").to_pylist() == [{"x": 5}]
        assert FaultSwitches(workspace).state()["injected"] == {"unavailable": 1}
