"""SQL Warehouses API through the real databricks-sdk, and its effect on SQL sessions."""

from __future__ import annotations

import json
import os
import time

import pytest
from databricks import sql
from databricks.sdk import WorkspaceClient
from databricks.sdk.service.sql import State
from databricks.sql.exc import DatabaseError

from integration_tests.fault_switches import FaultSwitches
from integration_tests.local_workspace_process import RunningWorkspace, running_workspace

START_SECONDS = 1.0


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> RunningWorkspace:
    args = ["--warehouse-start-seconds", str(START_SECONDS)]
    with running_workspace(tmp_path_factory.mktemp("warehouses") / "ws", args=args) as ws:
        yield ws


@pytest.fixture(autouse=True)
def sdk_env(monkeypatch, workspace):
    for name in [n for n in os.environ if n.startswith(("DATABRICKS_", "ARM_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(workspace.ca_file))  # the SDK uses requests


@pytest.fixture
def w(workspace) -> WorkspaceClient:
    client = WorkspaceClient(host=workspace.url, token=workspace.token, auth_type="pat")
    client.warehouses.start_and_wait(workspace.warehouse_id)
    return client


def test_list_and_get_describe_the_warehouse_and_its_sql_endpoint(w, workspace):
    (listed,) = list(w.warehouses.list())
    got = w.warehouses.get(workspace.warehouse_id)
    assert listed.id == got.id == workspace.warehouse_id
    assert got.state == State.RUNNING
    assert (got.odbc_params.path, got.odbc_params.port) == (workspace.http_path, workspace.port)
    assert got.odbc_params.protocol == "https"


def test_stop_and_wait_then_start_and_wait(w, workspace):
    assert w.warehouses.stop_and_wait(workspace.warehouse_id).state == State.STOPPED
    started = time.monotonic()
    assert w.warehouses.start_and_wait(workspace.warehouse_id).state == State.RUNNING
    assert time.monotonic() - started >= START_SECONDS
    record = json.loads((workspace.data_dir.path / "warehouse.json").read_text())
    assert record == {
        "id": workspace.warehouse_id,
        "name": "Local SQL warehouse",
        "state": "RUNNING",
    }


def test_a_session_on_a_stopped_warehouse_starts_it_and_proceeds(w, workspace):
    w.warehouses.stop(workspace.warehouse_id)
    started = time.monotonic()
    with sql.connect(**workspace.sql_connect_kwargs()) as connection, connection.cursor() as cur:
        assert cur.execute("SELECT 42 AS x").fetchall()[0].x == 42
    assert time.monotonic() - started >= START_SECONDS
    assert w.warehouses.get(workspace.warehouse_id).state == State.RUNNING


def test_stopping_the_warehouse_ends_its_sessions(w, workspace):
    gone = r"\[INVALID_HANDLE\.(SESSION|OPERATION)_NOT_FOUND\]"
    with sql.connect(**workspace.sql_connect_kwargs()) as connection, connection.cursor() as cur:
        cur.execute("SELECT 1")
        assert w.warehouses.get(workspace.warehouse_id).num_active_sessions == 1
        w.warehouses.stop_and_wait(workspace.warehouse_id)
        with pytest.raises(DatabaseError, match=gone):
            cur.execute("SELECT 1")
    assert w.warehouses.get(workspace.warehouse_id).num_active_sessions == 0


def test_slow_start_fault_lengthens_the_next_start_and_is_counted(w, workspace):
    switches = FaultSwitches(workspace)
    switches.arm(kind="slow_start", seconds=2.5)
    w.warehouses.stop(workspace.warehouse_id)
    started = time.monotonic()
    w.warehouses.start_and_wait(workspace.warehouse_id)
    assert time.monotonic() - started >= 2.5
    assert switches.injected("slow_start") == 1


def test_the_stopped_state_survives_a_restart(tmp_path, monkeypatch):
    with running_workspace(tmp_path / "ws") as first:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(first.ca_file))
        client = WorkspaceClient(host=first.url, token=first.token, auth_type="pat")
        client.warehouses.stop(first.warehouse_id)
    with running_workspace(tmp_path / "ws") as second:
        client = WorkspaceClient(host=second.url, token=second.token, auth_type="pat")
        assert second.warehouse_id == first.warehouse_id
        assert client.warehouses.get(second.warehouse_id).state == State.STOPPED
