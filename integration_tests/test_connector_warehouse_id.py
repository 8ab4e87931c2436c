"""A warehouse given by id: the connector starts it when stopped and says so while it waits."""

from __future__ import annotations

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.service.sql import State

from integration_tests.conftest import config_for
from integration_tests.connector_process import run_connector
from integration_tests.local_workspace_process import RunningWorkspace, running_workspace


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> RunningWorkspace:
    args = ["--warehouse-start-seconds", "2"]
    with running_workspace(tmp_path_factory.mktemp("by-id") / "ws", args=args) as ws:
        yield ws


def warehouse_state(workspace: RunningWorkspace, monkeypatch) -> tuple[WorkspaceClient, State]:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(workspace.ca_file))
    client = WorkspaceClient(host=workspace.url, token=workspace.token, auth_type="pat")
    return client, client.warehouses.get(workspace.warehouse_id).state


def test_check_by_warehouse_id_starts_a_stopped_warehouse(workspace, monkeypatch):
    client, _ = warehouse_state(workspace, monkeypatch)
    client.warehouses.stop_and_wait(workspace.warehouse_id)
    config = config_for(workspace, warehouse_id=workspace.warehouse_id, include_schemas=[])
    del config["http_path"]
    run = run_connector("check", config=config)
    statuses = [m["connectionStatus"]["status"] for m in run.of_type("CONNECTION_STATUS")]
    assert statuses == ["SUCCEEDED"], run.stdout[-2000:]
    logs = [m["log"]["message"] for m in run.of_type("LOG")]
    assert any("is stopped; starting it" in line for line in logs), logs
    assert warehouse_state(workspace, monkeypatch)[1] == State.RUNNING


def test_an_unknown_warehouse_id_is_a_config_error_naming_it(workspace):
    config = config_for(workspace, warehouse_id="0123456789abcdef")
    del config["http_path"]
    run = run_connector("check", config=config)
    assert run.errors[0]["failure_type"] == "config_error"
    assert "warehouse_id" in run.errors[0]["message"]
