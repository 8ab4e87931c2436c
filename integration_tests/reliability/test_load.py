"""Load: concurrent syncs against one local workspace, and many short statements without a leak.

Eight `main.py read` syncs run at once and each delivers the whole table. Then 16 real SQL client
sessions (one thread each) run 10,000 short statements, each answer checked, and the server's
resident memory (VmRSS) is compared before and after. Every statement is closed, so nothing of it
should stay: the bound (`RSS_GROWTH_BOUND_MB`) is what a leak of 5 KB per statement would add,
well above allocator noise (a few MB) and well below what one leaked result or session per
statement would cost.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import databricks.sql
import pytest

from integration_tests.connector_process import configured_catalog
from integration_tests.fault_switches import sql_status
from integration_tests.local_workspace_process import RunningWorkspace
from integration_tests.reliability import figures
from integration_tests.reliability.conftest import SCHEMA, run

TABLE = "load_rows"
ROWS = 100_000  # two fetches per sync
SYNCS = 8
SESSIONS = 16
STATEMENTS = 10_000
WARM_UP_STATEMENTS = 50  # per session, before the first RSS reading
RSS_GROWTH_BOUND_MB = 50  # 10,000 statements x 5 KB
STREAM = {
    "name": TABLE,
    "namespace": f"main.{SCHEMA}",
    "json_schema": {"type": "object", "properties": {}},
    "supported_sync_modes": ["full_refresh"],
}


@pytest.fixture(scope="module")
def load_config(sql, config) -> dict:
    sql.run(
        f"CREATE OR REPLACE TABLE main.{SCHEMA}.{TABLE} (id BIGINT NOT NULL, label STRING, "
        "CONSTRAINT load_rows_pk PRIMARY KEY (id))"
    )
    sql.run(
        f"INSERT INTO main.{SCHEMA}.{TABLE} "
        f"SELECT id, concat('row ', CAST(id AS STRING)) FROM range({ROWS})"
    )
    return {**config, "include_tables": [TABLE]}


def test_concurrent_syncs_each_deliver_the_whole_table(load_config) -> None:
    catalog = configured_catalog([STREAM])
    started = time.monotonic()
    with ThreadPoolExecutor(SYNCS) as pool:
        results = list(
            pool.map(lambda _: run("read", config=load_config, catalog=catalog), range(SYNCS))
        )
    seconds = time.monotonic() - started
    complete = 0
    for result in results:
        assert result.returncode == 0, result.errors
        records = [r["data"] for r in result.records]
        assert len(records) == ROWS
        assert {(r["id"], r["label"]) for r in records} == {(i, f"row {i}") for i in range(ROWS)}
        complete += 1
    print(f"\n{SYNCS} concurrent syncs of {ROWS:,} rows: {complete} complete, {seconds:.1f} s")
    figures.record(
        "load",
        f"{SYNCS} concurrent syncs of {ROWS:,} rows",
        runs=SYNCS,
        complete=complete,
        lost=0,
        seconds=round(seconds, 1),
    )


def rss_mb(pid: int) -> float:
    """The resident memory of a process, from /proc/<pid>/status (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def statements(workspace: RunningWorkspace, first: int, count: int) -> int:
    """Run `count` short statements in one session, each answer checked; how many ran."""
    with (
        databricks.sql.connect(**workspace.sql_connect_kwargs()) as connection,
        connection.cursor() as cursor,
    ):
        for n in range(first, first + count):
            cursor.execute("SELECT ? AS n, upper(?) AS word", [n, f"w{n}"])
            assert cursor.fetchall() == [(n, f"W{n}")]
    return count


def in_sessions(workspace: RunningWorkspace, per_session: int) -> int:
    with ThreadPoolExecutor(SESSIONS) as pool:
        done = pool.map(
            lambda s: statements(workspace, s * per_session, per_session), range(SESSIONS)
        )
        return sum(done)


def test_many_short_statements_from_many_sessions_leak_no_memory(workspace) -> None:
    if not Path(f"/proc/{workspace.process.pid}/status").exists():
        pytest.skip("no /proc on this system")
    before = sql_status(workspace)
    in_sessions(workspace, WARM_UP_STATEMENTS)
    rss_before = rss_mb(workspace.process.pid)
    started = time.monotonic()
    ran = in_sessions(workspace, STATEMENTS // SESSIONS)
    seconds = time.monotonic() - started
    rss_after = rss_mb(workspace.process.pid)
    growth = rss_after - rss_before
    print(
        f"\n{ran:,} statements from {SESSIONS} sessions in {seconds:.1f} s "
        f"({ran / seconds:.0f}/s): server RSS {rss_before:.0f} -> {rss_after:.0f} MB "
        f"({growth:+.1f} MB)"
    )
    assert ran == STATEMENTS
    after = sql_status(workspace)  # the idle reaper may have closed others' meanwhile: <=
    assert all(after[k] <= before[k] for k in ("sessions", "operations")), (before, after)
    figures.record(
        "load",
        f"{STATEMENTS:,} short statements from {SESSIONS} sessions",
        statements=ran,
        sessions=SESSIONS,
        rss_before_mb=round(rss_before),
        rss_after_mb=round(rss_after),
        growth_mb=round(growth, 1),
        seconds=round(seconds, 1),
    )
    assert growth < RSS_GROWTH_BOUND_MB
