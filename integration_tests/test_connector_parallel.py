"""Streams read at once by `max_workers` workers, each on its own SQL session, through main.py.

The workspace's own count of open sessions shows the workers reading at once; the output shows
each stream whole and in order (its states truthful for the records before them, its statuses
STARTED, RUNNING, COMPLETE), a failing stream leaving the others alone, and every session closed
at the end and after Ctrl-C.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import ROOT, configured_catalog, run_connector
from integration_tests.fault_switches import sql_status
from integration_tests.local_workspace_process import RunningWorkspace, running_workspace
from integration_tests.workspace_sql import Tables

SCHEMA = "parallel"
NAMESPACE = f"main.{SCHEMA}"
TABLES = {f"t{i}": 40_000 + 10_000 * i for i in range(4)}  # different sizes: ends interleave
WORKERS = 3


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningWorkspace]:
    with running_workspace(tmp_path_factory.mktemp("parallel-workspace")) as workspace:
        tables = Tables(workspace)
        try:
            tables.run(f"CREATE SCHEMA main.{SCHEMA}")
            for name, rows in TABLES.items():
                tables.run(
                    f"CREATE TABLE main.{SCHEMA}.{name} (id BIGINT NOT NULL, v STRING, "
                    f"CONSTRAINT {name}_pk PRIMARY KEY (id))"
                )
                tables.run(
                    f"INSERT INTO main.{SCHEMA}.{name} SELECT id, 'v' || id FROM range({rows})"
                )
        finally:
            tables.close()
        yield workspace


@pytest.fixture(scope="module")
def config(workspace) -> dict:
    return config_for(
        workspace, include_schemas=[SCHEMA], max_workers=WORKERS, checkpoint_interval=10_000
    )


def stream(name: str) -> dict:
    schema = {"type": "object", "properties": {"id": {}, "v": {}}}
    modes = ["full_refresh"]
    return {
        "name": name,
        "namespace": NAMESPACE,
        "json_schema": schema,
        "supported_sync_modes": modes,
    }


class SessionWatch:
    """Samples the workspace's open SQL sessions and statements while a read runs."""

    def __init__(self, workspace: RunningWorkspace) -> None:
        self.workspace, self.sessions, self.operations = workspace, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            status = sql_status(self.workspace)
            self.sessions = max(self.sessions, status["sessions"])
            self.operations = max(self.operations, status["operations"])

    def __enter__(self) -> SessionWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def open_sessions_settle(workspace: RunningWorkspace, seconds: float = 10.0) -> int:
    deadline = time.monotonic() + seconds
    while (open_now := sql_status(workspace)["sessions"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    return open_now


def test_streams_are_read_at_once_each_whole_in_order_and_a_failure_stays_its_own(
    workspace, config
) -> None:
    gone = {**stream("dropped_meanwhile")}
    catalog = configured_catalog([stream(name) for name in TABLES] + [gone])
    with SessionWatch(workspace) as watch:
        run = run_connector("read", config=config, catalog=catalog)

    # The workers held their own sessions, and ran statements, at the same time.
    assert watch.sessions >= WORKERS and watch.operations >= 2
    assert open_sessions_settle(workspace) == 0
    assert run.returncode != 0  # the sync reports the failed stream at the end...
    assert [e["failure_type"] for e in run.errors] == ["config_error", "config_error"]
    assert run.statuses("dropped_meanwhile", NAMESPACE) == ["STARTED", "INCOMPLETE"]
    seen: dict[str, list[int]] = defaultdict(list)
    counted: dict[str, int] = defaultdict(int)
    for message in run.messages:
        if message["type"] == "RECORD":
            name = message["record"]["stream"]
            seen[name].append(message["record"]["data"]["id"])
        elif message["type"] == "STATE":
            state = message["state"]
            name = state["stream"]["stream_descriptor"]["name"]
            position = state["stream"]["stream_state"].get("position")
            if position:  # truthful: every id before the checkpointed key was written before it
                assert set(range(int(position[0]))) <= set(seen[name])
            # The stream's own records since its previous state, counted by the writer.
            assert state["sourceStats"]["recordCount"] == len(seen[name]) - counted[name]
            counted[name] = len(seen[name])
    for name, rows in TABLES.items():  # ...and every other stream is whole
        assert sorted(seen[name]) == list(range(rows)), name
        assert run.statuses(name, NAMESPACE) == ["STARTED", "RUNNING", "COMPLETE"]


def test_ctrl_c_stops_the_workers_and_closes_their_sessions(workspace, config) -> None:
    catalog = configured_catalog([stream(name) for name in TABLES])
    with tempfile.TemporaryDirectory() as tmp:
        files = {"config": config, "catalog": catalog}
        args = [sys.executable, str(ROOT / "main.py"), "read"]
        for name, content in files.items():
            Path(tmp, f"{name}.json").write_bytes(orjson.dumps(content))
            args += [f"--{name}", str(Path(tmp, f"{name}.json"))]
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert process.stdout is not None
        for line in process.stdout:  # the first record: the workers are reading
            if b'"type":"RECORD"' in line:
                break
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)  # reads what it still writes until it exits
        assert process.returncode != 0
    assert open_sessions_settle(workspace) == 0
