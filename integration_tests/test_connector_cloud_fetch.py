"""`main.py read` over Cloud Fetch: every row arrives, and links that expire under a slow consumer
are recovered from by re-reading from the last checkpoint, in the same run, with no row lost.

The workspace sends results above 256 KiB as ~20,000-row files, so a 700,000-row read is ~35
files behind links. The server's record says the data read went through Cloud Fetch and that the
expired links were refused.
"""

from __future__ import annotations

import json
import ssl
import subprocess
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import (
    ConnectorRun,
    configured_catalog,
    connector_command,
    connector_env,
    discovered_stream,
    parse_output,
    run_connector,
)
from integration_tests.local_workspace_process import RunningWorkspace, running_workspace
from integration_tests.sent_results import sent_for
from integration_tests.workspace_sql import tables_in

SCHEMA, TABLE = "cloud_fetch", "lean"
ROWS = 700_000
SERVE = ["--cloud-fetch-threshold-bytes", "262144", "--cloud-fetch-file-bytes", "400000"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Iterator[RunningWorkspace]:
    with running_workspace(tmp_path_factory.mktemp("cloud-fetch-read") / "ws", args=SERVE) as ws:
        with tables_in(ws, SCHEMA) as tables:
            tables.run(
                f"CREATE TABLE main.{SCHEMA}.{TABLE} (id BIGINT NOT NULL, v DOUBLE, n INT, "
                f"CONSTRAINT {TABLE}_pk PRIMARY KEY (id))"
            )
            tables.run(
                f"INSERT INTO main.{SCHEMA}.{TABLE} "
                f"SELECT id, id / 4.0, CAST(id % 1000 AS INT) FROM range({ROWS})"
            )
        yield ws


@pytest.fixture(scope="module")
def read_files(workspace) -> dict:
    config = config_for(workspace, include_schemas=[SCHEMA], checkpoint_interval=50_000)
    catalog = configured_catalog([discovered_stream(config, f"main.{SCHEMA}", TABLE)])
    return {"config": config, "catalog": catalog}


def _assert_every_row_exactly(run: ConnectorRun) -> list[int]:
    """Every row of the table, each with its own values; the ids in the order emitted."""
    assert run.returncode == 0, run.stderr[-3000:]
    rows = [record["data"] for record in run.records]
    ids = [row["id"] for row in rows]
    assert set(ids) == set(range(ROWS))
    assert all(
        row == {"id": i, "v": i / 4, "n": i % 1000} for i, row in zip(ids, rows, strict=True)
    )
    return ids


def _data_reads(workspace: RunningWorkspace) -> list[dict]:
    return [r for r in sent_for(workspace, TABLE) if r["result_format"] == "URL_BASED_SET"]


def test_a_large_read_comes_through_cloud_fetch_row_for_row(workspace, read_files):
    before = len(_data_reads(workspace))
    run = run_connector("read", **read_files)
    ids = _assert_every_row_exactly(run)
    assert len(ids) == ROWS  # no duplicates either: nothing failed
    reads = _data_reads(workspace)[before:]  # one, or one per key range if the read is split
    assert sum(r["cloud_fetch"]["rows"] for r in reads) == ROWS
    assert sum(r["cloud_fetch"]["links_issued"] for r in reads) > 10


def test_links_expired_under_a_slow_consumer_are_recovered_in_the_same_run(workspace, read_files):
    before = len(_data_reads(workspace))
    run = _read_stalling_after_the_first_record(workspace, read_files)
    _assert_every_row_exactly(run)
    reads = _data_reads(workspace)[before:]
    refused = [r for r in reads if r["cloud_fetch"]["links_refused"]]
    assert refused, "an expired link was refused"
    assert reads[-1] not in refused, "the read ran again after the expired link"
    assert sum(r["cloud_fetch"]["rows"] for r in reads) >= ROWS


def _read_stalling_after_the_first_record(workspace: RunningWorkspace, files: dict) -> ConnectorRun:
    """`main.py read`, whose output is not read after its first record until every link issued
    so far has expired: the connector blocks on the full pipe, with links not yet downloaded."""
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "stderr", "w+") as stderr:
        command = connector_command("read", Path(tmp), **files)
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=stderr, env=connector_env(), text=True
        )
        head = []
        while (line := process.stdout.readline()) and '"type":"RECORD"' not in line:
            head.append(line)
        expired = _post(workspace, "/local/cloud-fetch/expire")["expired"]
        assert expired > 0
        stdout = "".join([*head, line, process.stdout.read()])
        process.wait(timeout=300)
        stderr.seek(0)
        messages, other = parse_output(stdout)
        return ConnectorRun(process.returncode, messages, stdout, stderr.read(), 0.0, other)


def _post(workspace: RunningWorkspace, path: str) -> dict:
    request = urllib.request.Request(workspace.url + path, data=b"{}", method="POST")
    request.add_header("Authorization", f"Bearer {workspace.token}")
    tls = ssl.create_default_context(cafile=str(workspace.ca_file))
    with urllib.request.urlopen(request, context=tls, timeout=30) as reply:
        return json.loads(reply.read())
