"""The example project end to end through `main.py`: spec, discover, read command_results, then
read the table its commands built with the table streams."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from integration_tests.connector_process import configured_catalog, run_connector
from integration_tests.local_workspace_process import RunningWorkspace, running_workspace
from local_workspace.rest.cluster_registry import TERMINATED_ID

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
    return {
        "host": workspace.url,
        "credentials": {
            "auth_type": "personal_access_token",
            "personal_access_token": workspace.token,
        },
        "http_path": workspace.http_path,
        "ca_bundle_path": str(workspace.ca_file),
        "catalogs": ["main"],
        "include_schemas": ["analytics"],
        "code_execution": {
            "cluster_id": TERMINATED_ID,  # started by the connector
            "project_dir": str(project),
            "commands": json.loads((project / "commands.json").read_text()),
        },
    }


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
