"""Bad input matrix: every user mistake is one clear message of the right failure type.

Each case runs the real connector (`main.py`) once; the cases run a few at a time in a module
fixture, and each parametrized test asserts on its own run:

- the command fails with exactly one user-facing error: for `check` the FAILED connection status
  (and its trace); for `read`, the failed stream's one error (plus at most the sync's summary that
  names it);
- the failure type is `config_error` (the user fixes these, Airbyte must not retry them);
- stdout holds nothing but protocol messages, and the message holds no traceback;
- for the code-execution cases, the remote directory is as it was before the run: absent for a
  first sync, and for a project synced before and broken since, the files of that sync.

"Expired token": Databricks refuses an expired or revoked personal access token exactly as an
unknown one (403 "Invalid access token"); the case uses a real one, a token this workspace
issued (OAuth, 1 s lifetime) that has expired, given as the personal access token. An OAuth M2M
connection has no token to expire: the SDK fetches and renews its tokens, which
`test_oauth_tokens_that_expire_every_second_are_renewed` shows.

"Unreadable": chmod 000 binds root only without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so
when the suite runs as root those cases run the connector under `setpriv` without them.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from base64 import b64encode
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import (
    ConnectorRun,
    assert_no_secret_printed,
    configured_catalog,
    connector_command,
    connector_env,
    parse_output,
)
from integration_tests.local_workspace_process import RunningWorkspace, running_workspace
from integration_tests.reliability import figures
from integration_tests.reliability.conftest import SCHEMA, run, run_all
from integration_tests.reliability.remote_tree import remote_tree, workspace_client
from local_workspace.rest.cluster_registry import ALL_PURPOSE_ID
from source_databricks.code.records import RECORD_SCHEMA

NAMESPACE = f"main.{SCHEMA}"
REMOTE_ROOT = "/Users/local.user@example.com/reliability"
WRONG_TOKEN = "dapi0000wrongtoken0000"
WRONG_SECRET = "wrong-client-secret-0000"
SHORT_LIVED = {"client_id": "short-lived-sp", "client_secret": "short-lived-secret-5e1f0c"}
# Root reads any file; without these capabilities file permissions bind it too.
WITHOUT_FILE_OVERRIDES = ("--bounding-set=-dac_override,-dac_read_search",)


@dataclass(frozen=True)
class Case:
    command: str
    must_mention: tuple[str, ...]
    config: dict[str, Any] = field(default_factory=dict)  # overrides of the base config
    catalog: dict | None = None
    state: Any = None
    remote_dir: str | None = None  # code execution: left as it was before the run
    within_seconds: float | None = None
    xfail: str | None = None  # a known connector bug: why this case does not pass yet
    on: str = "suite"  # the workspace: "suite", or "expired-token" (its token has expired)
    unprivileged: bool = False  # run where file permissions bind (see the module's docstring)
    synced_then: Callable[[Path], None] | None = None  # sync the project first, then break it


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
    """The projects of the size-limit cases (one 50 kB file, five 12 kB files), and small ones
    for the cases that break them."""
    big = tmp / "big-project"
    (big / "data").mkdir(parents=True)
    (big / "main.py").write_text("print('hello')\n")
    (big / "data" / "blob.bin").write_bytes(os.urandom(50_000))
    many = tmp / "many-files"
    many.mkdir()
    for index in range(5):
        (many / f"part_{index}.py").write_text("x = 1\n" * 2_000)
    for name in ("unreadable-dir", "unreadable-file", "unreadable-subdir", "grown", "locked"):
        (tmp / name / "pkg").mkdir(parents=True)
        (tmp / name / "main.py").write_text("print('hello')\n")
        (tmp / name / "pkg" / "mod.py").write_text("x = 1\n")
    (tmp / "unreadable-dir").chmod(0)
    (tmp / "unreadable-file" / "pkg" / "mod.py").chmod(0)
    (tmp / "unreadable-subdir" / "pkg").chmod(0)


def lock_pkg(project: Path) -> None:
    (project / "pkg").chmod(0)


def grow_mod(project: Path) -> None:
    (project / "pkg" / "mod.py").write_bytes(os.urandom(50_000))


@contextmanager
def silent_host() -> Iterator[int]:
    """A loopback port that accepts connections and never answers (a hung server or proxy)."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        for connection in held:
            connection.close()


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
        "read-file-grown-over-the-limit-since-the-last-sync": Case(
            "read",
            ("max_file_size_mb", "nothing was uploaded", "pkg/mod.py"),
            code_execution(tmp / "grown", f"{REMOTE_ROOT}/grown", sync={"max_file_size_mb": 0.01}),
            catalog=code_stream_catalog(),
            remote_dir=f"{REMOTE_ROOT}/grown",
            synced_then=grow_mod,
        ),
        # The CDK's spec validation answers this one: its message does not name the field.
        "read-file-size-limit-over-the-import-limit": Case(
            "read",
            ("Config validation error", "20 is greater than the maximum of 10"),
            code_execution(tmp / "grown", f"{REMOTE_ROOT}/over", sync={"max_file_size_mb": 20}),
            catalog=code_stream_catalog(),
            remote_dir=f"{REMOTE_ROOT}/over",
        ),
        "check-project-dir-unreadable": Case(
            "check",
            ("project_dir", "cannot be read", "Permission denied"),
            code_execution(tmp / "unreadable-dir", f"{REMOTE_ROOT}/unreadable-check"),
            unprivileged=True,
        ),
        "read-project-dir-unreadable": Case(
            "read",
            ("project_dir", "cannot be read", "Permission denied"),
            code_execution(tmp / "unreadable-dir", f"{REMOTE_ROOT}/unreadable-dir"),
            catalog=code_stream_catalog(),
            remote_dir=f"{REMOTE_ROOT}/unreadable-dir",
            unprivileged=True,
        ),
        "read-project-file-unreadable": Case(
            "read",
            ("Cannot read", "pkg/mod.py", "Permission denied", "nothing was uploaded"),
            code_execution(tmp / "unreadable-file", f"{REMOTE_ROOT}/unreadable-file"),
            catalog=code_stream_catalog(),
            remote_dir=f"{REMOTE_ROOT}/unreadable-file",
            unprivileged=True,
        ),
        "read-project-subdir-unreadable": Case(
            "read",
            ("Cannot read", "pkg", "Permission denied", "nothing was uploaded"),
            code_execution(tmp / "unreadable-subdir", f"{REMOTE_ROOT}/unreadable-subdir"),
            catalog=code_stream_catalog(),
            remote_dir=f"{REMOTE_ROOT}/unreadable-subdir",
            unprivileged=True,
        ),
        "read-project-subdir-unreadable-since-the-last-sync": Case(
            "read",
            ("Cannot read", "pkg", "Permission denied", "nothing was uploaded"),
            code_execution(tmp / "locked", f"{REMOTE_ROOT}/locked"),
            catalog=code_stream_catalog(),
            remote_dir=f"{REMOTE_ROOT}/locked",
            unprivileged=True,
            synced_then=lock_pkg,
        ),
        "check-expired-token": Case(
            "check",
            ("personal_access_token", "expired or was revoked"),
            on="expired-token",
        ),
        "read-expired-token": Case(
            "read",
            ("personal_access_token", "expired or was revoked"),
            catalog=configured_catalog([orders_stream()]),
            on="expired-token",
        ),
        "check-code-execution-expired-token": Case(
            "check",
            ("personal_access_token", "expired or was revoked"),
            code_execution(tmp / "grown", f"{REMOTE_ROOT}/x"),
            on="expired-token",
        ),
        "check-silent-host": Case(
            "check", ("host", "did not answer"), {"host": "<silent host>"}, within_seconds=30
        ),
        "check-code-execution-closed-port": Case(
            "check",
            ("host",),
            {"host": f"https://127.0.0.1:{free_port()}", **code_execution(tmp, f"{REMOTE_ROOT}/x")},
            within_seconds=30,
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


def expired_token(workspace: RunningWorkspace) -> str:
    """An access token `workspace` issued (client credentials), once it has expired."""
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "scope": "all-apis"})
    request = urllib.request.Request(workspace.url + "/oidc/v1/token", data=form.encode())
    basic = b64encode(f"{SHORT_LIVED['client_id']}:{SHORT_LIVED['client_secret']}".encode())
    request.add_header("Authorization", f"Basic {basic.decode()}")
    tls = ssl.create_default_context(cafile=str(workspace.ca_file))
    with urllib.request.urlopen(request, context=tls, timeout=30) as reply:
        answer = json.loads(reply.read())
    time.sleep(answer["expires_in"] + 1)
    return answer["access_token"]


@pytest.fixture(scope="module")
def short_token_workspace(tmp_path_factory) -> Iterator[RunningWorkspace]:
    """A second workspace whose OAuth tokens live 1 s."""
    data_dir = tmp_path_factory.mktemp("short-token-workspace")
    (data_dir / "service_principals.json").write_text(json.dumps([SHORT_LIVED]))
    env = {"LOCAL_WORKSPACE_TOKEN_LIFETIME_SECONDS": "1"}
    with running_workspace(data_dir, env=env) as ws:
        yield ws


@pytest.fixture(scope="module")
def bases(config: dict, short_token_workspace: RunningWorkspace) -> Iterator[dict[str, dict]]:
    """The base config of each workspace a case runs on (and the silent host's port)."""
    token = expired_token(short_token_workspace)
    expired = config_for(
        short_token_workspace,
        credentials={"auth_type": "personal_access_token", "personal_access_token": token},
        include_schemas=["default"],
    )
    with silent_host() as port:
        yield {"suite": config, "expired-token": expired, "silent": {"port": port}}


@pytest.fixture(scope="module")
def runs(
    matrix_tables, bases: dict, workspace: RunningWorkspace, tmp_path_factory
) -> dict[str, tuple[Case, ConnectorRun]]:
    tmp = tmp_path_factory.mktemp("bad-input")
    make_projects(tmp)
    all_cases = cases(tmp)

    def settings(case: Case) -> dict:
        merged = {**bases[case.on], **case.config}
        if merged.get("host") == "<silent host>":
            merged["host"] = f"https://127.0.0.1:{bases['silent']['port']}"
        return {k: v for k, v in merged.items() if v is not None}

    sync_first(all_cases, settings)
    with workspace_client(workspace) as client:
        before = {
            n: remote_tree(client, c.remote_dir) for n, c in all_cases.items() if c.remote_dir
        }

    def job(case: Case) -> Callable[[], tuple[Case, ConnectorRun]]:
        launch = run_unprivileged if case.unprivileged else run
        files = {"config": settings(case), "catalog": case.catalog, "state": case.state}
        return lambda: (case, launch(case.command, **files))

    # Timed cases first, one at a time: their seconds are the connector's, not the queue's.
    results = {n: job(c)() for n, c in all_cases.items() if c.within_seconds is not None}
    rest = {n: job(c) for n, c in all_cases.items() if c.within_seconds is None}
    results |= run_all(rest)
    with workspace_client(workspace) as client:
        after = {n: remote_tree(client, c.remote_dir) for n, c in all_cases.items() if c.remote_dir}
    print("\nbad input matrix: case, seconds, failure types, first error")
    for name, (_, result) in results.items():
        types = ",".join(sorted({e["failure_type"] for e in result.errors})) or "-"
        first = result.errors[0]["message"][:90] if result.errors else "-"
        print(f"  {name:36} {result.seconds:5.1f} s  {types:14} {first}")
    unchanged.update({name: before[name] == after[name] for name in before})
    return results


unchanged: dict[str, bool] = {}  # case → its remote directory is as it was before the run


def sync_first(all_cases: dict[str, Case], settings: Callable[[Case], dict]) -> None:
    """Sync the projects of the cases that break a synced project, then break them."""
    first = {n: c for n, c in all_cases.items() if c.synced_then is not None}
    jobs = {
        n: (lambda c=c: run("read", config=settings(c), catalog=c.catalog))
        for n, c in first.items()
    }
    for name, result in run_all(jobs).items():
        assert result.returncode == 0, (name, result.errors)
        case = first[name]
        case.synced_then(Path(case.config["code_execution"]["project_dir"]))


def run_unprivileged(command: str, **files: Any) -> ConnectorRun:
    """`main.py <command>` where file permissions bind it, even when the suite runs as root."""
    launcher: tuple[str, ...] = ()
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip(
                "running as root, and setpriv (util-linux) is missing to drop the "
                "capabilities that let root read unreadable files"
            )
        launcher = (setpriv, *WITHOUT_FILE_OVERRIDES)
    with tempfile.TemporaryDirectory() as tmp:
        args = [*launcher, *connector_command(command, Path(tmp), **files)]
        started = time.monotonic()
        done = subprocess.run(
            args, capture_output=True, text=True, env=connector_env(), timeout=600
        )
        seconds = time.monotonic() - started
    messages, other = parse_output(done.stdout)
    result = ConnectorRun(done.returncode, messages, done.stdout, done.stderr, seconds, other)
    assert_no_secret_printed(result, files.get("config"))
    return result


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


def matrix() -> list:
    marks = {
        name: [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
        for name, case in cases(Path("/nonexistent")).items()
    }
    return [pytest.param(name, marks=marks[name], id=name) for name in marks]


@pytest.mark.parametrize("name", matrix())
def test_bad_input_is_one_clear_config_error(name: str, runs: dict) -> None:
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
        assert unchanged[name], "the remote directory changed"
    figures.record("bad_input", name, failure_type="config_error", seconds=round(result.seconds, 1))


def test_an_unclosed_bracket_is_a_literal_pattern_not_a_crash(runs: dict) -> None:
    """fnmatch takes an unclosed `[` literally: check answers, without a traceback."""
    _, result = runs["check-unclosed-bracket-schema-pattern"]
    statuses = [m["connectionStatus"] for m in result.of_type("CONNECTION_STATUS")]
    assert len(statuses) == 1, result.stdout[-3000:]
    assert "Traceback" not in (statuses[0].get("message") or "")
    assert result.non_json_lines == []
    assert all(e["failure_type"] != "system_error" for e in result.errors), result.errors


def test_oauth_tokens_that_expire_every_second_are_renewed(
    short_token_workspace: RunningWorkspace, tmp_path: Path
) -> None:
    """An OAuth M2M connection's tokens are the SDK's to renew: their expiry is no user error.

    The command runs 3 s on a workspace whose tokens live 1 s, so the status polls outlive
    several tokens."""
    (tmp_path / "main.py").write_text("print('hello')\n")
    credentials = {"auth_type": "oauth_m2m", **SHORT_LIVED}
    code = code_execution(tmp_path, f"{REMOTE_ROOT}/renewed")
    code["code_execution"]["commands"] = [
        {"language": "python", "code": "import time\ntime.sleep(3)\nprint('renewed')"}
    ]
    config = config_for(short_token_workspace, credentials=credentials, include_schemas=["default"])
    config = {k: v for k, v in {**config, **code}.items() if v is not None}
    check = run("check", config=config)
    statuses = [m["connectionStatus"]["status"] for m in check.of_type("CONNECTION_STATUS")]
    assert statuses == ["SUCCEEDED"], check.errors
    read = run("read", config=config, catalog=code_stream_catalog())
    assert read.returncode == 0, read.errors
    assert [r["data"]["status"] for r in read.records] == ["finished"]
    assert read.records[0]["data"]["text"].strip() == "renewed"
    figures.record(
        "bad_input",
        "read-oauth-token-expiring-every-second",
        failure_type="none (renewed)",
        seconds=round(check.seconds + read.seconds, 1),
    )
