"""The example project end to end through `main.py`: spec, discover, read command_results, then
read the table its commands built with the table streams."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound

from integration_tests.conftest import config_for
from integration_tests.connector_process import ROOT, configured_catalog, run_connector
from integration_tests.local_workspace_process import RunningWorkspace, running_workspace
from local_workspace.rest.cluster_registry import JOB_CLUSTER_ID, TERMINATED_ID

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "orders-pipeline"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningWorkspace]:
    env = {"LOCAL_WORKSPACE_CLUSTER_PENDING_SECONDS": "0.5"}
    with running_workspace(tmp_path_factory.mktemp("code-workspace"), env=env) as ws:
        yield ws


@pytest.fixture(scope="module")
def config(workspace: RunningWorkspace, tmp_path_factory: pytest.TempPathFactory) -> dict:
    project = tmp_path_factory.mktemp("project") / "orders-pipeline"
    shutil.copytree(EXAMPLE, project)
    (project / "data").mkdir()
    (project / "data" / "orders.csv").write_text("local only\n")
    code_execution = {
        "cluster_id": TERMINATED_ID,  # started by the connector
        "project_dir": str(project),
        "commands": json.loads((project / "commands.json").read_text()),
    }
    return config_for(workspace, include_schemas=["analytics"], code_execution=code_execution)


def code_stream(discovered: list[dict[str, Any]]) -> dict[str, Any]:
    return next(s for s in discovered if s["name"] == "command_results")


def statuses(run) -> list[str]:
    traces = [m["trace"] for m in run.of_type("TRACE") if m["trace"]["type"] == "STREAM_STATUS"]
    found = [t["stream_status"] for t in traces]
    return [s["status"] for s in found if s["stream_descriptor"]["name"] == "command_results"]


def test_spec_documents_code_execution() -> None:
    spec = run_connector("spec").of_type("SPEC")[0]["spec"]["connectionSpecification"]
    code = spec["properties"]["code_execution"]
    assert code["required"] == ["cluster_id", "project_dir", "commands"]
    assert code["properties"]["sync"]["properties"]["max_file_size_mb"]["maximum"] == 10


def test_read_command_results_then_the_table_it_built(config: dict) -> None:
    discovered = run_connector("discover", config=config).of_type("CATALOG")[0]["catalog"]
    stream = code_stream(discovered["streams"])
    assert stream.get("namespace") is None
    assert stream["source_defined_primary_key"] == [["run_id"], ["command_index"]]

    run = run_connector("read", config=config, catalog=configured_catalog([stream]))
    assert run.returncode == 0, run.stderr[-3000:]
    assert not run.errors
    records = [r["data"] for r in run.records]
    assert [r["status"] for r in records] == ["finished"] * 4, records
    assert records[3]["table"]["rows"][0] == ["2026-01-01", "ada", 120.5, 1]
    assert records[0]["sync"]["files_sent"] > 0
    assert statuses(run) == ["STARTED", "RUNNING", "COMPLETE"]
    assert run.states[-1]["stream"]["stream_state"]["complete"] is True
    assert run.states[-1]["sourceStats"]["recordCount"] == 0.0  # after the last record: none new

    again = run_connector("read", config=config, catalog=configured_catalog([stream]))
    assert again.records[0]["data"]["sync"]["files_sent"] == 0  # unchanged project: nothing sent

    tables = run_connector("discover", config=config).of_type("CATALOG")[0]["catalog"]["streams"]
    revenue = [s for s in tables if s["name"] == "daily_revenue"]
    assert revenue and revenue[0]["namespace"] == "main.analytics"
    read = run_connector("read", config=config, catalog=configured_catalog(revenue))
    assert read.returncode == 0, read.stderr[-3000:]
    rows = sorted((r["data"]["day"], r["data"]["customer"]) for r in read.records)
    assert rows == [
        ("2026-01-01", "ada"),
        ("2026-01-01", "bob"),
        ("2026-01-02", "ada"),
        ("2026-01-02", "bob"),
    ]


def test_sigterm_cancels_the_running_command_and_destroys_the_context(
    config: dict, workspace: RunningWorkspace, tmp_path: Path
) -> None:
    looping = {"language": "python", "code": "import time\nwhile True:\n    time.sleep(0.05)"}
    code = {**config["code_execution"], "commands": [looping]}
    files = {"config": {**config, "code_execution": code}}
    files["catalog"] = configured_catalog([_command_results_stream()])
    for name, content in files.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(content))
    args = [sys.executable, str(ROOT / "main.py"), "read"]
    args += ["--config", str(tmp_path / "config.json"), "--catalog", str(tmp_path / "catalog.json")]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    context_id = _wait_for_running_command(process)
    process.send_signal(signal.SIGTERM)
    stdout, _ = process.communicate(timeout=60)
    assert process.returncode != 0
    assert f"Execution context {context_id} destroyed" in stdout
    assert "Cancelling command" in stdout
    with _client(workspace) as w, pytest.raises(NotFound):
        w.command_execution.context_status(cluster_id=code["cluster_id"], context_id=context_id)


def _command_results_stream() -> dict:
    from source_databricks.code.records import RECORD_SCHEMA

    return {"name": "command_results", "json_schema": RECORD_SCHEMA, "supported_sync_modes": []}


def _wait_for_running_command(process: subprocess.Popen) -> str:
    context_id = None
    deadline = time.monotonic() + 120
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        found = re.search(r"Execution context (\S+) is ready", line)
        context_id = found.group(1) if found else context_id
        if context_id and "Command" not in line and "sys.path" not in line:
            time.sleep(1.0)  # the setup command ran; the loop is now running
            return context_id
    raise AssertionError("the connector never started the command")


@contextmanager
def _client(workspace: RunningWorkspace) -> Iterator[WorkspaceClient]:
    previous = os.environ.get("REQUESTS_CA_BUNDLE")
    os.environ["REQUESTS_CA_BUNDLE"] = str(workspace.ca_file)
    try:
        yield WorkspaceClient(host=workspace.url, token=workspace.token, auth_type="pat")
    finally:
        if previous is None:
            os.environ.pop("REQUESTS_CA_BUNDLE", None)
        else:
            os.environ["REQUESTS_CA_BUNDLE"] = previous


def code_only(config: dict) -> dict:
    return {k: v for k, v in config.items() if k not in ("http_path", "include_schemas")}


def test_check_validates_code_execution_and_needs_no_warehouse_for_it(config: dict) -> None:
    run = run_connector("check", config=code_only(config))
    statuses_seen = [m["connectionStatus"]["status"] for m in run.of_type("CONNECTION_STATUS")]
    assert statuses_seen == ["SUCCEEDED"], run.stdout[-2000:]
    streams = run_connector("discover", config=code_only(config)).of_type("CATALOG")[0]["catalog"][
        "streams"
    ]
    assert [s["name"] for s in streams] == ["command_results"]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"project_dir": "/no/such/project"}, "code_execution.project_dir"),
        ({"cluster_id": JOB_CLUSTER_ID}, "code_execution.cluster_id"),
    ],
)
def test_check_reports_an_unusable_project_or_cluster(config: dict, override, field) -> None:
    broken = {**code_only(config), "code_execution": {**config["code_execution"], **override}}
    run = run_connector("check", config=broken)
    statuses_seen = [m["connectionStatus"]["status"] for m in run.of_type("CONNECTION_STATUS")]
    assert statuses_seen == ["FAILED"], run.stdout[-2000:]
    assert run.errors[0]["failure_type"] == "config_error"
    assert field in run.errors[0]["message"]
