"""Inline results against Cloud Fetch, through the real SQL client and the local workspace.

Run: .venv/bin/python benchmarks/cloud_fetch.py [rows]   (default 10,000,000)

Builds the 10-column table of ``warehouse_fetch.py`` in a temporary data directory, then reads
``SELECT * FROM bench`` in one run, with LZ4 (the client's default), four ways:

* inline      ``use_cloud_fetch=False``: Arrow batches in each FetchResults reply;
* cloud fetch the client's default: file links in each reply, files downloaded by its threads;

each through ``cursor.fetchall_arrow()`` and through ``cursor.fetchmany_arrow(50_000)`` (what the
connector calls; the batches are dropped as they come). Rows/s and MB/s (MB of Arrow in memory),
the ratio Cloud Fetch / inline, and the server's peak resident memory during each read.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from databricks import sql

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The SQL client as the connector runs it (short repr of result pages; see warehouse_fetch.py).
import source_databricks.tables.warehouse  # noqa: F401
from benchmarks.warehouse_fetch import build
from integration_tests.local_workspace_process import (
    RunningWorkspace,
    running_workspace,
)
from source_databricks.tables.warehouse import FETCH_ROWS

QUERY = "SELECT * FROM main.default.bench"


@dataclass
class Run:
    name: str
    seconds: float
    rows: int
    nbytes: int
    peak_rss_mb: float | None

    def line(self) -> str:
        rate, mb = self.rows / self.seconds, self.nbytes / self.seconds / 1e6
        rss = f"{self.peak_rss_mb:6,.0f} MB" if self.peak_rss_mb else "n/a"
        return (
            f"  {self.name:<36} {self.seconds:7.2f} s  {rate:12,.0f} rows/s  {mb:7.1f} MB/s  "
            f"server peak RSS {rss}"
        )


def main(rows: int) -> int:
    with (
        tempfile.TemporaryDirectory(prefix="cloud-fetch-") as tmp,
        running_workspace(Path(tmp) / "ws", start_timeout=120) as workspace,
    ):
        build(workspace, rows)
        runs = {}
        for how in ("fetchall_arrow", f"fetchmany_arrow({FETCH_ROWS:,})"):
            for cloud in (False, True):
                name = f"{'cloud fetch' if cloud else 'inline'} {how}"
                runs[name] = timed(workspace, name, lambda c=cloud, h=how: read(workspace, c, h))
    report(rows, runs)
    return 0


def read(workspace: RunningWorkspace, cloud_fetch: bool, how: str) -> tuple[int, int]:
    """Rows and Arrow bytes of the query's result, read as ``how`` says."""
    kwargs = workspace.sql_connect_kwargs(use_cloud_fetch=cloud_fetch)
    with sql.connect(**kwargs) as connection, connection.cursor(arraysize=FETCH_ROWS) as cursor:
        cursor.execute(QUERY)
        if how == "fetchall_arrow":
            table = cursor.fetchall_arrow()
            return table.num_rows, table.nbytes
        rows = nbytes = 0
        while (table := cursor.fetchmany_arrow(FETCH_ROWS)).num_rows:
            rows, nbytes = rows + table.num_rows, nbytes + table.nbytes
        return rows, nbytes


def timed(workspace: RunningWorkspace, name: str, produce: Callable[[], tuple[int, int]]) -> Run:
    _reset_peak_rss(workspace.process.pid)
    started = time.perf_counter()
    rows, nbytes = produce()
    run = Run(
        name, time.perf_counter() - started, rows, nbytes, _peak_rss_mb(workspace.process.pid)
    )
    print(run.line(), flush=True)
    return run


def report(rows: int, runs: dict[str, Run]) -> None:
    print(f"\n{rows:,} rows, LZ4 on; ratio = inline seconds / Cloud Fetch seconds")
    for how in ("fetchall_arrow", f"fetchmany_arrow({FETCH_ROWS:,})"):
        inline, cloud = runs[f"inline {how}"], runs[f"cloud fetch {how}"]
        print(f"  {how:<24} Cloud Fetch at {inline.seconds / cloud.seconds:5.2f}x inline")


def _reset_peak_rss(pid: int) -> None:
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS


def _peak_rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000))
