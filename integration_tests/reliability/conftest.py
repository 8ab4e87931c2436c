"""One local workspace for the reliability suite, started with recognisable secrets.

Every connector run of the suite goes through `run`, which records it; when the session ends the
fixture asserts that no recorded output (stdout, stderr) nor the workspace's own logs ever held the
token or the OAuth client secret, and that the canary tables hold their rows, whatever the hostile
inputs of the suite tried.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import databricks.sql
import pytest

from integration_tests.conftest import config_for
from integration_tests.connector_process import ConnectorRun, run_connector
from integration_tests.local_workspace_process import RunningWorkspace, running_workspace
from integration_tests.reliability import figures
from integration_tests.workspace_sql import Tables

# Recognisable, so a leak is found by a plain substring search (and never a false positive).
TOKEN = "dapi" + "reliabilitytoken" + secrets.token_hex(8)
CLIENT_ID = "reliability-sp"
CLIENT_SECRET = "reliabilityclientsecret" + secrets.token_hex(8)
SECRETS = (TOKEN, CLIENT_SECRET)

SCHEMA = "rel"  # main.rel: the plain tables of the suite
CANARY_ROWS = [(1, "first"), (2, "second"), (3, "third")]
# The canary sits where an injected unqualified `DROP TABLE canary` would land (the session's
# default schema) and next to the tables the suite reads.
CANARY_TABLES = ("main.default.canary", f"main.{SCHEMA}.canary")
PARALLEL_RUNS = 3

_runs: list[ConnectorRun] = []


def run(command: str, **files: Any) -> ConnectorRun:
    """`run_connector`, recorded for the session's secrets check."""
    result = run_connector(command, **files)
    _runs.append(result)
    return result


def run_all(jobs: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run independent connector jobs a few at a time (each is a subprocess); results by name."""
    with ThreadPoolExecutor(PARALLEL_RUNS) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def recorded_runs() -> list[ConnectorRun]:
    return list(_runs)


class Sql(Tables):
    """Tables, plus queries that return rows; a new session when a fault ended the last one
    (the warehouse-stop fault of test_faults ends every session, this one's included)."""

    def __init__(self, workspace: RunningWorkspace) -> None:
        super().__init__(workspace)
        self._workspace = workspace

    def run(self, statement: str, parameters: list[Any] | None = None) -> None:
        self._in_a_session(lambda: super(Sql, self).run(statement, parameters))

    def rows(self, statement: str, parameters: list[Any] | None = None) -> list[tuple]:
        def query() -> list[tuple]:
            with self._connection.cursor() as cursor:
                cursor.execute(statement, parameters or [])
                return [tuple(row) for row in cursor.fetchall()]

        return self._in_a_session(query)

    def _in_a_session(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except databricks.sql.exc.Error as error:
            if "INVALID_HANDLE.SESSION_NOT_FOUND" not in str(error):
                raise
        self._connection.close()  # its session is gone: the client only logs a warning
        self._connection = databricks.sql.connect(**self._workspace.sql_connect_kwargs())
        return call()


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningWorkspace]:
    data_dir = tmp_path_factory.mktemp("reliability-workspace")
    principals = [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}]
    (data_dir / "service_principals.json").write_text(json.dumps(principals))
    env = {"LOCAL_WORKSPACE_TOKEN": TOKEN, "LOCAL_WORKSPACE_CLUSTER_PENDING_SECONDS": "0.2"}
    with running_workspace(data_dir, env=env) as ws:
        assert ws.token == TOKEN
        tables = Sql(ws)
        try:
            tables.run(f"CREATE SCHEMA IF NOT EXISTS main.{SCHEMA}")
            for name in CANARY_TABLES:
                tables.run(f"CREATE TABLE {name} (id INT, label STRING)")
                tables.run(f"INSERT INTO {name} VALUES (1, 'first'), (2, 'second'), (3, 'third')")
            yield ws
            for name in CANARY_TABLES:
                assert tables.rows(f"SELECT id, label FROM {name} ORDER BY id") == CANARY_ROWS, (
                    f"{name} did not survive"
                )
        finally:
            tables.close()
        _assert_no_secret_leaked(ws)


@pytest.fixture(scope="session")
def sql(workspace: RunningWorkspace) -> Iterator[Sql]:
    """Statements through the real SQL client, for setting up and checking tables."""
    tables = Sql(workspace)
    try:
        yield tables
    finally:
        tables.close()


@pytest.fixture(scope="session")
def config(workspace: RunningWorkspace) -> dict[str, Any]:
    """The connector config for main.rel with the recognisable token."""
    return config_for(workspace, include_schemas=[SCHEMA])


def _assert_no_secret_leaked(workspace: RunningWorkspace) -> None:
    out, err = workspace.output()
    for secret in SECRETS:
        assert secret not in out + err, "a secret is in the local workspace's output"
        for index, recorded in enumerate(_runs):
            text = recorded.stdout + recorded.stderr
            assert secret not in text, f"a secret is in the output of connector run #{index}"
    figures.record("secrets", "every connector run of the suite", runs=len(_runs), leaked=0)
