"""Bad input matrix: every user mistake is one clear message of the right failure type.

Each case runs the real connector (`main.py`) once; the cases run a few at a time in a module
fixture, and each parametrized test asserts on its own run:

- the command fails with exactly one user-facing error: for `check` the FAILED connection status
  (and its trace); for `read`, the failed stream's one error (plus at most the sync's summary that
  names it);
- the failure type is `config_error` (the user fixes these, Airbyte must not retry them);
- stdout holds nothing but protocol messages, and the message holds no traceback;
- for the code-execution cases, nothing was uploaded to the workspace.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound

from integration_tests.connector_process import ConnectorRun, configured_catalog
from integration_tests.local_workspace_process import RunningWorkspace
from integration_tests.reliability.conftest import SCHEMA, run, run_all
from local_workspace.rest.cluster_registry import ALL_PURPOSE_ID
from source_databricks.code.records import RECORD_SCHEMA

NAMESPACE = f"main.{SCHEMA}"
REMOTE_ROOT = "/Users/local.user@example.com/reliability"
WRONG_TOKEN = "dapi0000wrongtoken0000"
WRONG_SECRET = "wrong-client-secret-0000"


@dataclass(frozen=True)
class Case:
    command: str
    must_mention: tuple[str, ...]
    config: dict[str, Any] = field(default_factory=dict)  # overrides of the base config
    catalog: dict | None = None
    state: Any = None
    remote_dir: str | None = None  # code execution: must not exist afterwards
    within_seconds: float | None = None
    xfail: str | None = None  # a known connector bug: why this case does not pass yet


def orders_stream() -> dict:
    return {
        "name": "orders",
        "namespace": NAMESPACE,
        "json_schema": {"type": "object", "properties": {}},
        "supported_sync_modes": ["full_refresh", "incremental"],
    }


def incremental(cursor: str, stream: dict | None = None) -> dict:
    catalog = configured_catalog([stream or orders_stream()], sync_mode="incremental")
    catalog["streams"][0]["cursor_field"] = [cursor]
    catalog["streams"][0]["destination_sync_mode"] = "append"
    return catalog


def orders_state(blob: Any) -> list[dict]:
    descriptor = {"name": "orders", "namespace": NAMESPACE}
    return [{"type": "STREAM", "stream": {"stream_descriptor": descriptor, "stream_state": blob}}]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def code_stream_catalog() -> dict:
    stream = {"name": "command_results", "json_schema": RECORD_SCHEMA}
    return configured_catalog([{**stream, "supported_sync_modes": ["full_refresh"]}])


def code_execution(project: Path, remote: str, **overrides: Any) -> dict:
    return {
        "http_path": None,
        "code_execution": {
            "cluster_id": ALL_PURPOSE_ID,
            "project_dir": str(project),
            "remote_dir": remote,
            "commands": [{"language": "python", "code": "print(1)"}],
            **overrides,
        },
    }


def make_projects(tmp: Path) -> None:
    """The projects of the size-limit cases: one 50 kB file, and five 12 kB files."""
    big = tmp / "big-project"
    (big / "data").mkdir(parents=True)
    (big / "main.py").write_text("print('hello')\n")
    (big / "data" / "blob.bin").write_bytes(os.urandom(50_000))
    many = tmp / "many-files"
    many.mkdir()
    for index in range(5):
        (many / f"part_{index}.py").write_text("x = 1\n" * 2_000)


def cases(tmp: Path) -> dict[str, Case]:
    big, many, missing = tmp / "big-project", tmp / "many-files", tmp / "no-such-project"
    return {
        "check-wrong-host": Case(
            "check", ("host",), {"host": "https://no-such-workspace.invalid"}, within_seconds=30
        ),
        "check-closed-port": Case(
            "check", ("host",), {"host": f"https://127.0.0.1:{free_port()}"}, within_seconds=30
        ),
        "check-wrong-token": Case(
            "check",
            ("personal_access_token",),
            {
                "credentials": {
                    "auth_type": "personal_access_token",
                    "personal_access_token": WRONG_TOKEN,
                }
            },
        ),
        "read-wrong-token": Case(
            "read",
            ("personal_access_token",),
            {
                "credentials": {
                    "auth_type": "personal_access_token",
                    "personal_access_token": WRONG_TOKEN,
                }
            },
            catalog=configured_catalog([orders_stream()]),
        ),
        "check-wrong-client-secret": Case(
            "check",
            ("client_secret",),
            {
                "credentials": {
                    "auth_type": "oauth_m2m",
                    "client_id": "nobody",
                    "client_secret": WRONG_SECRET,
                }
            },
        ),
        "check-wrong-http-path": Case(
            "check", ("http_path",), {"http_path": "/sql/1.0/warehouses/0000000000000000"}
        ),
        "check-missing-catalog": Case("check", ("catalogs",), {"catalogs": ["no_such_catalog"]}),
        "check-missing-schema": Case(
            "check", ("include_schemas",), {"include_schemas": ["no_such_schema"]}
        ),
        "read-cursor-not-orderable": Case(
            "read", ("cursor field", "tags", "array"), catalog=incremental("tags")
        ),
        "read-cursor-not-a-column": Case(
            "read", ("cursor field", "no_such_column"), catalog=incremental("no_such_column")
        ),
        "read-stream-gone": Case(
            "read",
            ("gone", "no longer in the source"),
            catalog=configured_catalog([{**orders_stream(), "name": "gone"}]),
        ),
        "read-state-of-another-version": Case(
            "read",
            ("Reset",),
            catalog=incremental("updated_at"),
            state=orders_state({"updated_at": "2024-01-01T00:00:00Z", "version": 1}),
        ),
        "read-state-of-another-sync-mode": Case(
            "read",
            ("Reset",),
            catalog=configured_catalog([orders_stream()]),
            state=orders_state({"cursor_field": "updated_at", "cursor": "2024-01-01"}),
        ),
        "read-state-not-an-object": Case(
            "read",
            ("state",),
            catalog=incremental("updated_at"),
            state="not a state",
        ),
        "read-state-blob-not-an-object": Case(
            "read",
            ("state",),
            catalog=incremental("updated_at"),
            state=orders_state("x"),
        ),
        "read-legacy-state-object": Case(
            "read",
            ("state",),
            catalog=incremental("updated_at"),
            state={"orders": {"updated_at": "2024-01-01"}},
        ),
        "read-global-state": Case(
            "read",
            ("Reset",),
            catalog=incremental("updated_at"),
            state=[
                {
                    "type": "GLOBAL",
                    "global": {
                        "shared_state": {"lsn": 7},
                        "stream_states": [
                            orders_state({"cursor_field": "updated_at", "cursor": "2024-01-02"})[0][
                                "stream"
                            ]
                        ],
                    },
                }
            ],
        ),
        "check-unclosed-bracket-schema-pattern": Case(
            "check",
            ("include_schemas",),
            {"include_schemas": ["rel["]},
        ),
        "check-project-dir-missing": Case(
            "check",
            ("project_dir",),
            code_execution(missing, f"{REMOTE_ROOT}/missing-check"),
            remote_dir=f"{REMOTE_ROOT}/missing-check",
        ),
        "read-project-dir-missing": Case(
            "read",
            ("project_dir",),
            code_execution(missing, f"{REMOTE_ROOT}/missing-read"),
            catalog=code_stream_catalog(),
            remote_dir=f"{REMOTE_ROOT}/missing-read",
        ),
        "read-file-size-limit": Case(
            "read",
            ("max_file_size_mb", "nothing was uploaded", "blob.bin"),
            code_execution(big, f"{REMOTE_ROOT}/big", sync={"max_file_size_mb": 0.01}),
            catalog=code_stream_catalog(),
            remote_dir=f"{REMOTE_ROOT}/big",
        ),
        "read-total-size-limit": Case(
            "read",
            ("max_size_mb", "nothing was uploaded"),
            code_execution(many, f"{REMOTE_ROOT}/many", sync={"max_size_mb": 0.02}),
            catalog=code_stream_catalog(),
            remote_dir=f"{REMOTE_ROOT}/many",
        ),
    }


@pytest.fixture(scope="module")
def matrix_tables(sql) -> None:
    sql.run(f"DROP TABLE IF EXISTS {NAMESPACE}.orders")
    sql.run(
        f"CREATE TABLE {NAMESPACE}.orders (id INT NOT NULL, updated_at TIMESTAMP, "
        "tags ARRAY<STRING>, note STRING, CONSTRAINT orders_pk PRIMARY KEY (id))"
    )
    sql.run(
        f"INSERT INTO {NAMESPACE}.orders VALUES "
        "(1, TIMESTAMP'2024-01-01 00:00:00', array('a'), 'one'), "
        "(2, TIMESTAMP'2024-01-02 00:00:00', array('b', 'c'), 'two')"
    )


@pytest.fixture(scope="module")
def runs(
    matrix_tables, config: dict, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Case, ConnectorRun]]:
    tmp = tmp_path_factory.mktemp("bad-input")
    make_projects(tmp)
    all_cases = cases(tmp)

    def job(case: Case) -> Callable[[], tuple[Case, ConnectorRun]]:
        merged = {**config, **case.config}
        merged = {k: v for k, v in merged.items() if v is not None}
        return lambda: (
            case,
            run(case.command, config=merged, catalog=case.catalog, state=case.state),
        )

    results = run_all({name: job(case) for name, case in all_cases.items()})
    print("\nbad input matrix: case, seconds, failure types, first error")
    for name, (_, result) in results.items():
        types = ",".join(sorted({e["failure_type"] for e in result.errors})) or "-"
        first = result.errors[0]["message"][:90] if result.errors else "-"
        print(f"  {name:36} {result.seconds:5.1f} s  {types:14} {first}")
    return results


def user_message(case: Case, result: ConnectorRun) -> str:
    """The one user-facing message of a failed command (asserting there is exactly one)."""
    errors = result.errors
    assert errors, f"no error trace:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    if case.command == "check":
        statuses = [m["connectionStatus"] for m in result.of_type("CONNECTION_STATUS")]
        assert [s["status"] for s in statuses] == ["FAILED"], result.stdout[-3000:]
        assert len(errors) == 1, errors
        return statuses[0]["message"]
    assert result.returncode != 0
    per_stream = [e for e in errors if e.get("stream_descriptor")]
    summary = [e for e in errors if not e.get("stream_descriptor")]
    if per_stream:
        assert len(per_stream) == 1, per_stream
        assert len(summary) <= 1 and all("did not sync" in e["message"] for e in summary), errors
        return per_stream[0]["message"]
    assert len(summary) == 1, errors
    return summary[0]["message"]


def failure_type(case: Case, result: ConnectorRun) -> set[str]:
    return {e["failure_type"] for e in result.errors}


def remote_exists(workspace: RunningWorkspace, path: str) -> bool:
    client = WorkspaceClient(host=workspace.url, token=workspace.token, auth_type="pat")
    try:
        client.workspace.get_status(path)
    except NotFound:
        return False
    return True


def matrix() -> list:
    marks = {
        name: [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
        for name, case in cases(Path("/nonexistent")).items()
    }
    return [pytest.param(name, marks=marks[name], id=name) for name in marks]


@pytest.mark.parametrize("name", matrix())
def test_bad_input_is_one_clear_config_error(
    name: str, runs: dict, workspace: RunningWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    case, result = runs[name]
    message = user_message(case, result)
    for text in case.must_mention:
        assert text in message, message
    assert "Traceback" not in message
    assert failure_type(case, result) == {"config_error"}, result.errors
    assert result.non_json_lines == [], result.non_json_lines[:5]
    if case.within_seconds is not None:
        assert result.seconds < case.within_seconds
    if case.remote_dir:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(workspace.ca_file))
        assert not remote_exists(workspace, case.remote_dir), "something was uploaded"


def test_an_unclosed_bracket_is_a_literal_pattern_not_a_crash(runs: dict) -> None:
    """fnmatch takes an unclosed `[` literally: check answers, without a traceback."""
    _, result = runs["check-unclosed-bracket-schema-pattern"]
    statuses = [m["connectionStatus"] for m in result.of_type("CONNECTION_STATUS")]
    assert len(statuses) == 1, result.stdout[-3000:]
    assert "Traceback" not in (statuses[0].get("message") or "")
    assert result.non_json_lines == []
    assert all(e["failure_type"] != "system_error" for e in result.errors), result.errors
