"""Many sessions at once, cancel from another thread, and what closing or idling releases."""

from __future__ import annotations

import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from databricks import sql
from databricks.sql.backend.types import CommandState
from databricks.sql.exc import DatabaseError

from integration_tests.fault_switches import sql_status
from integration_tests.local_workspace_process import RunningWorkspace, running_workspace

CLIENTS = 8
LONG_STATEMENT = "SELECT sum(a.id * b.id) AS s FROM range(400000) a CROSS JOIN range(400000) b"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> RunningWorkspace:
    with running_workspace(tmp_path_factory.mktemp("concurrency") / "ws") as ws:
        yield ws


def _wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_eight_clients_at_once_each_get_their_own_results(workspace):
    barrier = threading.Barrier(CLIENTS)

    def client(n: int) -> list:
        with (
            sql.connect(**workspace.sql_connect_kwargs()) as connection,
            connection.cursor() as cur,
        ):
            barrier.wait(timeout=30)  # every session is open before any query runs
            cur.execute(f"SELECT {n} AS n, count(*) AS c, sum(id) AS s FROM range({n}00000)")
            first = cur.fetchall()
            cur.execute(f"SELECT id FROM range({n * 1000})")
            return [tuple(first[0]), cur.fetchall_arrow().num_rows]

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(client, range(1, CLIENTS + 1)))
    for n, (first, rows) in enumerate(results, start=1):
        count = n * 100000
        assert first == (n, count, count * (count - 1) // 2)
        assert rows == n * 1000
    _wait_for(lambda: sql_status(workspace) == {"sessions": 0, "operations": 0})


def test_a_long_statement_is_canceled_from_another_thread(workspace):
    with sql.connect(**workspace.sql_connect_kwargs()) as connection:
        cursor = connection.cursor()
        outcome: dict = {}

        def run() -> None:
            started = time.monotonic()
            try:
                cursor.execute(LONG_STATEMENT)
                outcome["rows"] = cursor.fetchall()
            except DatabaseError as error:
                outcome["error"] = str(error)
            outcome["seconds"] = time.monotonic() - started

        runner = threading.Thread(target=run)
        runner.start()
        _wait_for(lambda: cursor.active_command_id is not None)  # the server said RUNNING
        time.sleep(0.5)
        cursor.cancel()
        runner.join(timeout=30)
        assert not runner.is_alive()
        assert "rows" not in outcome
        assert outcome["error"].startswith("[CANCELED]")
        assert cursor.get_query_state() == CommandState.CANCELLED
        cursor.close()
        with connection.cursor() as again:  # the session is still usable
            assert again.execute("SELECT 1 AS one").fetchall()[0].one == 1


def test_closing_a_session_releases_its_operations(workspace):
    connection = sql.connect(**workspace.sql_connect_kwargs())
    cursors = [connection.cursor() for _ in range(3)]
    for cursor in cursors:
        cursor.execute("SELECT id FROM range(1000000)")  # results left unread
    assert sql_status(workspace) == {"sessions": 1, "operations": 3}
    connection.close()
    assert sql_status(workspace) == {"sessions": 0, "operations": 0}


def test_closing_a_session_stops_its_running_statement(workspace):
    connection = sql.connect(**workspace.sql_connect_kwargs())
    cursor = connection.cursor()
    runner = threading.Thread(target=lambda: _swallow(lambda: cursor.execute(LONG_STATEMENT)))
    runner.start()
    _wait_for(lambda: cursor.active_command_id is not None)
    started = time.monotonic()
    other = sql.connect(**workspace.sql_connect_kwargs())  # the runner's connection is busy
    handle = connection.session.session_id.to_thrift_handle()
    other.session.backend.close_session(_session_id(handle))
    runner.join(timeout=30)
    assert time.monotonic() - started < 15
    other.close()
    _wait_for(lambda: sql_status(workspace) == {"sessions": 0, "operations": 0})


def _session_id(handle):
    from databricks.sql.backend.types import SessionId

    return SessionId.from_thrift_handle(handle)


def _swallow(call) -> None:
    with contextlib.suppress(Exception):  # the statement ends with an error: its session closed
        call()


def test_idle_sessions_and_abandoned_results_expire(tmp_path):
    args = ["--session-idle-seconds", "1.5", "--operation-idle-seconds", "0.5"]
    with (
        running_workspace(tmp_path / "ws", args=args) as workspace,
        sql.connect(**workspace.sql_connect_kwargs()) as keeper,
        keeper.cursor() as cursor,
    ):
        cursor.execute("SELECT id FROM range(1000000)")  # then abandoned
        _wait_for(lambda: sql_status(workspace)["operations"] == 0, timeout=10)
        assert sql_status(workspace)["sessions"] == 1
        _wait_for(lambda: sql_status(workspace)["sessions"] == 0, timeout=10)
        with pytest.raises(DatabaseError, match=r"\[INVALID_HANDLE\."):
            cursor.execute("SELECT 1")
