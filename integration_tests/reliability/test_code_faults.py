"""Code-execution faults: a cluster that dies, a Python worker that dies, an upload cut short.

Each row runs the `command_results` stream through the real `main.py read` against the suite's
local workspace, injects its fault through the workspace's admin routes
(`/local/clusters/{id}/fail`, `/local/contexts/{id}/kill-worker`) or fault switches
(`/local/faults`), and asserts:

- the failing run ends with one clear error of the right failure type (a cluster that died is
  `transient_error`: the retry starts the cluster again and the state says what is left), or, for
  a worker that died, with the command's `error` record naming it (as any failed command);
- no execution context is left on the workspace (`GET /local/contexts`);
- the next run, resumed from the last STATE as Airbyte does, is consistent: every command has
  exactly one final record, and after an interrupted upload the remote tree equals the local one;
- a brief upload outage (two 503s) is retried by the connector (the SDK never retries an import)
  and the sync succeeds.

Commands synchronise with the test through files: the slow command creates `started`, then waits
for `go` (the test's cue that the fault is in place, or that the cluster is healthy again).
"""

from __future__ import annotations

import json
import ssl
import textwrap
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from databricks.sdk import WorkspaceClient

from integration_tests.connector_process import ConnectorRun, configured_catalog, state_input
from integration_tests.fault_switches import FaultSwitches
from integration_tests.local_workspace_process import RunningWorkspace
from integration_tests.reliability import figures
from integration_tests.reliability.conftest import run
from integration_tests.reliability.remote_tree import local_tree, remote_tree, workspace_client
from local_workspace.rest.cluster_registry import ALL_PURPOSE_ID, TERMINATED_ID
from source_databricks.code.records import RECORD_SCHEMA

# The cluster rows fail the seeded terminated cluster (the connector starts it), so the running
# all-purpose cluster other modules use is never touched; the upload row runs on that one.
FAULTY_CLUSTER = TERMINATED_ID
REMOTE_ROOT = "/Users/local.user@example.com/code-faults"
WAIT_SECONDS = 60


@dataclass
class Outcome:
    row: str
    runs: int
    survived: bool
    failure_type: str
    context_destroyed: bool
    next_run_ok: bool
    injected: int


@pytest.fixture(scope="module")
def outcomes() -> Iterator[list[Outcome]]:
    found: list[Outcome] = []
    yield found
    print(
        "\ncode fault matrix: fault, runs, survived, failure type, context destroyed, next run ok"
    )
    for o in found:
        print(
            f"  {o.row:40} {o.runs:4} {'yes' if o.survived else 'NO':8} {o.failure_type:16} "
            f"{'yes' if o.context_destroyed else 'NO':9} {'yes' if o.next_run_ok else 'NO'}"
        )


def keep(outcomes: list[Outcome], outcome: Outcome) -> None:
    outcomes.append(outcome)
    figures.record(
        "code_faults",
        outcome.row,
        runs=outcome.runs,
        survived=outcome.survived,
        failure_type=outcome.failure_type,
        context_destroyed=outcome.context_destroyed,
        next_run_ok=outcome.next_run_ok,
        injected=outcome.injected,
    )


def admin(workspace: RunningWorkspace, method: str, path: str, body: dict | None = None) -> dict:
    """One call to the workspace's local admin routes (stdlib only, trusting its CA)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(workspace.url + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {workspace.token}")
    request.add_header("Content-Type", "application/json")
    tls = ssl.create_default_context(cafile=str(workspace.ca_file))
    with urllib.request.urlopen(request, context=tls, timeout=30) as reply:
        return json.loads(reply.read())


def contexts_left(workspace: RunningWorkspace) -> list[dict]:
    return admin(workspace, "GET", "/local/contexts")["contexts"]


def py(code: str) -> dict:
    return {"language": "python", "code": textwrap.dedent(code).strip()}


@dataclass
class Cues:
    """The files through which the slow command and the test synchronise."""

    started: Path
    go: Path

    def slow_command(self) -> dict:
        return py(f"""
            import os, time
            open({str(self.started)!r}, "w").close()
            deadline = time.monotonic() + {WAIT_SECONDS}
            while not os.path.exists({str(self.go)!r}) and time.monotonic() < deadline:
                time.sleep(0.05)
            print("went on")
        """)

    def wait_started(self, pending: threading.Thread) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while not self.started.exists():
            assert pending.is_alive(), "the run ended before the slow command started"
            assert time.monotonic() < deadline, "the slow command never started"
            time.sleep(0.05)

    def reset(self) -> None:
        self.started.unlink(missing_ok=True)
        self.go.unlink(missing_ok=True)


def code_stream_catalog() -> dict:
    stream = {"name": "command_results", "json_schema": RECORD_SCHEMA}
    return configured_catalog([{**stream, "supported_sync_modes": ["full_refresh"]}])


def code_config(base: dict, project: Path, remote: str, commands: list[dict], **extra) -> dict:
    code = {"project_dir": str(project), "remote_dir": remote, "commands": commands, **extra}
    return {**base, "code_execution": {"cluster_id": FAULTY_CLUSTER, **code}}


def read(config: dict, state: list | None = None) -> ConnectorRun:
    return run("read", config=config, catalog=code_stream_catalog(), state=state)


def read_while(config: dict, act: Callable[[threading.Thread], None]) -> ConnectorRun:
    """A read in a thread; `act(thread)` runs meanwhile (it injects the fault)."""
    result: list[ConnectorRun] = []
    pending = threading.Thread(target=lambda: result.append(read(config)))
    pending.start()
    try:
        act(pending)
    finally:
        pending.join(timeout=300)
    assert result, "the read did not end"
    return result[0]


def records(result: ConnectorRun) -> list[dict]:
    return [r["data"] for r in result.records]


def last_state(result: ConnectorRun) -> list[dict]:
    return state_input(result.states[-1])


def one_error(result: ConnectorRun) -> dict:
    """The failed stream's one error (the sync's summary may follow it)."""
    per_stream = [e for e in result.errors if e.get("stream_descriptor")]
    assert len(per_stream) == 1, result.errors
    assert "Traceback" not in per_stream[0]["message"]
    assert result.non_json_lines == [], result.non_json_lines[:5]
    return per_stream[0]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "main.py").write_text("print('hello')\n")
    return root


@pytest.fixture
def cues(tmp_path: Path) -> Cues:
    return Cues(tmp_path / "started", tmp_path / "go")


@pytest.fixture
def sdk(workspace: RunningWorkspace) -> Iterator[WorkspaceClient]:
    with workspace_client(workspace) as client:
        yield client


def three_commands(cues: Cues) -> list[dict]:
    return [py("print('first')"), cues.slow_command(), py("print('third')")]


def fail_cluster_mid_command(workspace, config, cues: Cues, state: str) -> ConnectorRun:
    def fail(pending: threading.Thread) -> None:
        cues.wait_started(pending)
        reply = admin(workspace, "POST", f"/local/clusters/{FAULTY_CLUSTER}/fail", {"state": state})
        assert reply["state"] == state

    return read_while(config, fail)


def assert_cluster_died_clearly(failed: ConnectorRun, state: str) -> dict:
    assert failed.returncode != 0
    error = one_error(failed)
    assert error["failure_type"] == "transient_error", error
    for text in (FAULTY_CLUSTER, state, "DRIVER_UNREACHABLE", "command 2"):
        assert text in error["message"], error["message"]
    assert [(r["command_index"], r["status"]) for r in records(failed)] == [(0, "finished")]
    return error


def assert_resumed_to_the_end(first: ConnectorRun, resumed: ConnectorRun) -> bool:
    """The resumed run ran exactly the commands without a record, in the same run."""
    assert resumed.returncode == 0, resumed.errors or resumed.stderr[-3000:]
    done = records(first) + records(resumed)
    assert sorted(r["command_index"] for r in done) == [0, 1, 2]
    assert {r["status"] for r in done} == {"finished"}
    assert {r["run_id"] for r in done} == {records(first)[0]["run_id"]}
    assert resumed.states[-1]["stream"]["stream_state"]["complete"] is True
    return True


def test_a_cluster_terminated_mid_command_fails_transiently_and_the_retry_resumes(
    workspace, config, project, cues, outcomes
) -> None:
    settings = code_config(config, project, f"{REMOTE_ROOT}/terminated", three_commands(cues))
    failed = fail_cluster_mid_command(workspace, settings, cues, "TERMINATED")
    error = assert_cluster_died_clearly(failed, "TERMINATED")
    destroyed = contexts_left(workspace) == []
    assert destroyed

    cues.go.touch()  # the cluster is started again by the retry (start_cluster is on)
    resumed = read(settings, last_state(failed))
    ok = assert_resumed_to_the_end(failed, resumed)
    assert contexts_left(workspace) == []
    keep(outcomes, Outcome("cluster terminated mid-command", 2, ok, error["failure_type"],
                           destroyed, ok, 1))  # fmt: skip


def test_a_cluster_in_error_mid_command_fails_transiently_then_asks_for_a_fix(
    workspace, config, project, cues, outcomes, sdk
) -> None:
    settings = code_config(config, project, f"{REMOTE_ROOT}/error", three_commands(cues))
    failed = fail_cluster_mid_command(workspace, settings, cues, "ERROR")
    error = assert_cluster_died_clearly(failed, "ERROR")
    destroyed = contexts_left(workspace) == []
    assert destroyed

    # Retried as is, the cluster is still broken: the user must act (a config error).
    refused = read(settings, last_state(failed))
    refusal = one_error(refused)
    assert refusal["failure_type"] == "config_error", refusal
    assert "ERROR" in refusal["message"] and FAULTY_CLUSTER in refusal["message"]
    assert refused.records == []

    sdk.clusters.delete(FAULTY_CLUSTER)  # the user's fix: terminate it (the sync starts it)
    cues.go.touch()
    resumed = read(settings, last_state(failed))
    ok = assert_resumed_to_the_end(failed, resumed)
    assert contexts_left(workspace) == []
    keep(outcomes, Outcome("cluster in ERROR mid-command", 3, ok, error["failure_type"],
                           destroyed, ok, 1))  # fmt: skip


def test_a_worker_killed_mid_command_is_that_commands_error(
    workspace, config, project, cues, outcomes
) -> None:
    settings = code_config(config, project, f"{REMOTE_ROOT}/killed", three_commands(cues))
    killed: list[dict] = []

    def kill(pending: threading.Thread) -> None:
        cues.wait_started(pending)
        (context,) = [c for c in contexts_left(workspace) if c["cluster_id"] == FAULTY_CLUSTER]
        killed.append(admin(workspace, "POST", f"/local/contexts/{context['id']}/kill-worker"))

    first = read_while(settings, kill)
    assert killed and killed[0]["worker_pid"]
    assert first.returncode == 0, first.errors
    statuses = [(r["command_index"], r["status"]) for r in records(first)]
    assert statuses == [(0, "finished"), (1, "error"), (2, "skipped")]
    summary = records(first)[1]["error"]["summary"]
    assert "Fatal error" in summary and "exit code -9" in summary, summary
    destroyed = contexts_left(workspace) == []
    assert destroyed

    cues.go.touch()
    again = read(settings, last_state(first))  # the run is complete: a new run starts
    assert again.returncode == 0, again.errors
    assert [r["status"] for r in records(again)] == ["finished"] * 3
    assert records(again)[0]["run_id"] != records(first)[0]["run_id"]
    assert contexts_left(workspace) == []
    keep(outcomes, Outcome("worker killed mid-command (SIGKILL)", 2, True, "none (error record)",
                           destroyed, True, len(killed)))  # fmt: skip


def test_a_worker_that_exits_in_user_code_is_that_commands_error(
    workspace, config, project, outcomes
) -> None:
    commands = [py("print('first')"), py("import os\nos._exit(1)"), py("print('third')")]
    settings = code_config(config, project, f"{REMOTE_ROOT}/exits", commands)
    runs = [read(settings)]
    runs.append(read(settings, last_state(runs[0])))
    for result in runs:
        assert result.returncode == 0, result.errors
        statuses = [(r["command_index"], r["status"]) for r in records(result)]
        assert statuses == [(0, "finished"), (1, "error"), (2, "skipped")]
        summary = records(result)[1]["error"]["summary"]
        assert "Fatal error" in summary and "exit code 1" in summary, summary
        assert contexts_left(workspace) == []
    assert records(runs[0])[0]["run_id"] != records(runs[1])[0]["run_id"]
    keep(outcomes, Outcome("worker exits in user code (os._exit)", 2, True, "none (error record)",
                           True, True, 2))  # fmt: skip


def test_an_upload_cut_short_is_transient_and_the_next_sync_repairs_the_tree(
    workspace, config, project, outcomes, sdk
) -> None:
    remote = f"{REMOTE_ROOT}/upload"
    files = {"a.py": "a = 1\n", "b.py": "b = 1\n", "lib/c.py": "c = 1\n"}
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    settings = code_config(config, project, remote, [py("print('synced')")])
    settings["code_execution"]["cluster_id"] = ALL_PURPOSE_ID
    first = read(settings)
    assert first.returncode == 0, first.errors
    assert remote_tree(sdk, remote) == local_tree(project)

    # Change two files and add one; the sync's imports fail for longer than uploads are retried,
    # after two went through (whichever two of the manifest and the files come first).
    (project / "a.py").write_text("a = 2\n")
    (project / "b.py").write_text("b = 2\n")
    (project / "d.py").write_text("d = 1\n")
    switches = FaultSwitches(workspace)
    switches.arm(kind="unavailable", path="/api/2.0/workspace/import", skip=2, count=0)
    try:
        cut = read(settings)
    finally:
        switches.clear()
    injected = switches.injected("unavailable")
    assert injected >= 1
    assert cut.returncode != 0
    error = one_error(cut)
    assert error["failure_type"] == "transient_error", error
    assert "upload" in error["message"], error["message"]
    assert cut.records == []
    destroyed = contexts_left(workspace) == []  # no context was made: the sync comes first

    # Before the retry the user reverts a.py and removes d.py: whatever landed of them must
    # not be trusted as the remote copy.
    (project / "a.py").write_text("a = 1\n")
    (project / "d.py").unlink()
    repaired = read(settings)
    assert repaired.returncode == 0, repaired.errors
    ok = remote_tree(sdk, remote) == local_tree(project)
    assert ok, (remote_tree(sdk, remote), local_tree(project))
    keep(outcomes, Outcome("upload cut short (503s past the retries)", 3, ok, error["failure_type"],
                           destroyed, ok, injected))  # fmt: skip


def test_a_brief_upload_outage_is_retried(workspace, config, project, outcomes, sdk) -> None:
    remote = f"{REMOTE_ROOT}/brief-outage"
    (project / "lib.py").write_text("x = 1\n")
    settings = code_config(config, project, remote, [py("print('synced')")])
    settings["code_execution"]["cluster_id"] = ALL_PURPOSE_ID
    switches = FaultSwitches(workspace)
    switches.arm(kind="unavailable", path="/api/2.0/workspace/import", count=2)
    try:
        result = read(settings)
    finally:
        switches.clear()
    injected = switches.injected("unavailable")
    assert injected == 2
    assert result.returncode == 0, result.errors
    assert [r["status"] for r in records(result)] == ["finished"]
    ok = remote_tree(sdk, remote) == local_tree(project)
    assert ok
    keep(outcomes, Outcome("upload 503 twice (retried)", 1, ok, "none", True, ok, injected))
